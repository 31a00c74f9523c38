/** @odoo-module **/

import { registry } from "@web/core/registry";

// A salesperson opens the public pool (公海), claims a record and finds it in
// My Pipeline with its days-left badge (PROT-5).
registry.category("web_tour.tours").add("crm_governance_pool_tour", {
    url: "/odoo/action-crm_governance.crm_governance_pool_lead_action",
    steps: () => [
        {
            trigger: ".o_data_row td:contains('GOVT tour lead')",
            content: "open the pooled opportunity",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name='action_governance_claim']",
            content: "claim it",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='protection_badge'] .badge:contains('60 days left')",
            content: "it is protected for the section's 60 days",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='crm.crm_menu_sales']",
            content: "open the Sales menu",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='crm.menu_crm_opportunities']",
            content: "go to My Pipeline",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('GOVT tour lead') .o_field_widget[name='protection_badge'] .badge:contains('60 days left')",
            content: "the claimed opportunity is in my pipeline with its badge",
        },
    ],
});
