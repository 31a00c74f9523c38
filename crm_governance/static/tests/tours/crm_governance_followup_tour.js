/** @odoo-module **/

import { registry } from "@web/core/registry";

// A salesperson logs "外出" and is told before saving that it will not count
// (FU-2); saved anyway, the days left do not move (FU-3). A proper note
// counts and the days-left badge resets to the section's 60 days.
registry.category("web_tour.tours").add("crm_governance_followup_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name='protection_badge'] .badge:contains('40 days left')",
            content: "the opportunity has 40 days of protection left",
        },
        {
            trigger: ".o_form_view button[name='action_governance_log_followup']",
            content: "open Log Follow-up",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='content'] textarea",
            content: "write only 外出",
            run: "edit 外出",
        },
        {
            trigger: ".modal .o_field_widget[name='next_step'] input",
            content: "leave the text field",
            run: "click",
        },
        {
            trigger: ".modal .o_governance_verdict_invalid:contains('FU-2 c')",
            content: "it will not count: only a meaningless phrase",
        },
        {
            trigger: ".modal button[name='action_save']",
            content: "save it anyway: it is history",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('does not count')",
            content: "told again after saving",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name='protection_badge'] .badge:contains('40 days left')",
            content: "the days left did not move",
        },
        {
            trigger: ".o_form_view button[name='action_governance_log_followup']",
            content: "log a proper follow-up",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='content'] textarea",
            content: "write what was learned",
            run: "edit 与王经理电话沟通，确认预算50万，下周提交报价方案",
        },
        {
            trigger: ".modal .o_field_widget[name='next_step'] input",
            content: "leave the text field",
            run: "click",
        },
        {
            trigger: ".modal .o_governance_verdict_valid:contains('FU-3')",
            content: "it counts",
        },
        {
            trigger: ".modal button[name='action_save']",
            content: "save",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name='protection_badge'] .badge:contains('60 days left')",
            content: "the badge reset to 60 days",
        },
    ],
});
