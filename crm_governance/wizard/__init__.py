from . import crm_governance_records_wizard
from . import crm_governance_release
from . import crm_governance_dispatch
from . import crm_governance_section_move
from . import crm_governance_dry_run
from . import crm_governance_followup_log
from . import crm_governance_validity_query_wizard
from . import crm_governance_validity_decision
