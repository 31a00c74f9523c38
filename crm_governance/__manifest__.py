{
    "name": "CRM Governance",
    "summary": "Sections (版块), governance roles, protection and follow-up rules "
               "enforced inside Odoo CRM",
    "version": "18.0.1.3.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "crm_governance contributors",
    "development_status": "Beta",
    "depends": ["crm", "sales_team", "mail", "resource"],
    # near-duplicate follow-ups (FU-2 d): a well-kept C++ edit-distance library
    # registration keys (ENTRY-2): phones in E.164, credit codes and VAT numbers
    # checked with their check digits (both already required by Odoo itself)
    "external_dependencies": {"python": ["rapidfuzz", "phonenumbers", "python-stdnum"]},
    "data": [
        "security/crm_governance_groups.xml",
        "security/ir.model.access.csv",
        "security/crm_governance_rules.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/crm_governance_followup_reason_data.xml",
        "data/crm_governance_registration_fact_data.xml",
        "wizard/crm_governance_section_move_views.xml",
        "wizard/crm_governance_release_views.xml",
        "wizard/crm_governance_dispatch_views.xml",
        "wizard/crm_governance_dry_run_views.xml",
        "wizard/crm_governance_followup_log_views.xml",
        "wizard/crm_governance_validity_query_wizard_views.xml",
        "wizard/crm_governance_validity_decision_views.xml",
        "views/crm_governance_section_views.xml",
        "views/crm_governance_ledger_views.xml",
        "views/crm_governance_followup_views.xml",
        "views/crm_governance_validity_query_views.xml",
        "views/crm_lead_views.xml",
        "views/res_partner_views.xml",
        "views/crm_governance_grade_views.xml",
        "views/crm_governance_registration_views.xml",
        "views/res_users_views.xml",
        "views/crm_team_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_governance_config_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/crm_governance_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "crm_governance/static/src/**/*",
        ],
        "web.assets_tests": [
            "crm_governance/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "installable": True,
    "application": False,
}
