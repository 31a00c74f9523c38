{
    "name": "CRM Governance: Grading from Sales Orders",
    "summary": "Key-customer grades (GRADE-2) from confirmed sales orders and their margins",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "crm_governance contributors",
    "development_status": "Beta",
    "depends": ["crm_governance", "sale_crm", "sale_margin"],
    "data": [],
    "installable": True,
    "auto_install": True,
}
