from . import crm_governance_section
from . import crm_governance_ledger
from . import crm_governance_section_mixin
from . import crm_team
from . import crm_lead
from . import res_partner
from . import res_users
from . import mail_activity
