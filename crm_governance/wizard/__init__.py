from . import crm_governance_section_move
