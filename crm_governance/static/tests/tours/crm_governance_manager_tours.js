/** @odoo-module **/

import { registry } from "@web/core/registry";

// The decisions of heads, section admins and management (zh_CN), as
// tests/test_tour.py sets them up; each asserts what the decider sees.

const tours = registry.category("web_tour.tours");

// PROT-5: the head dispatches a pool record from its form
tours.add("crm_governance_dispatch_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_form_statusbar button:contains('分单')",
            content: "open Dispatch",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='record_count']:contains('1')",
            content: "the dialog knows its record",
        },
        {
            trigger: ".modal .o_field_widget[name='section_id']:contains('Section A')",
            content: "and its section",
        },
        {
            trigger: ".modal .o_governance_load:contains('T Sales A1'):contains('/ 200')",
            content: "the section's salespeople with their load against the cap",
        },
        {
            trigger: ".modal .o_governance_load:not(:contains('T Frozen'))",
            content: "a frozen salesperson is not offered",
        },
        {
            trigger: ".modal .o_field_widget[name='user_id'] input",
            content: "choose the salesperson",
            run: "edit T Sales A2",
        },
        {
            trigger: ".dropdown-item:contains('T Sales A2')",
            content: "pick them",
            run: "click",
        },
        {
            trigger: ".modal button[name='action_dispatch']",
            content: "dispatch",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('已分给 T Sales A2')",
            content: "told who holds it now",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view .o_governance_protection_box .badge:contains('距下次跟进')",
            content: "the record is protected for its new owner",
        },
    ],
});

// ENTRY-3: the head approves a registration waiting for approval
tours.add("crm_governance_approve_registration_tour", {
    url: "/odoo/action-crm_governance.crm_governance_registration_approval_action",
    steps: () => [
        {
            trigger: ".o_data_row:contains('GOVT 待审核') td.o_data_cell:first",
            content: "open the waiting registration",
            run: "click",
        },
        {
            trigger: ".o_form_view .alert:contains('ENTRY-3')",
            content: "the form says it waits for approval",
        },
        {
            trigger: ".o_form_view button[name='action_governance_approve_registration']",
            content: "approve it",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_governance_protection_box .badge:contains('距下次跟进 15 天')",
            content: "its protection starts now",
        },
    ],
});

// ENTRY-4: the daily spot-check of yesterday's registrations
tours.add("crm_governance_spot_check_tour", {
    url: "/odoo/action-crm_governance.crm_governance_registration_review_action",
    steps: () => [
        {
            trigger: ".o_data_row:contains('GOVT 昨日录入') td.o_data_cell:first",
            content: "open yesterday's registration",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name='action_governance_review_checked']",
            content: "mark it checked",
            run: "click",
        },
        {
            trigger: ".o_form_view:not(:has(button[name='action_governance_review_checked']))",
            content: "checked: the button is gone",
        },
    ],
});

// FU-6: the head decides a validity query from its evidence
tours.add("crm_governance_validity_query_tour", {
    url: "/odoo/action-crm_governance.crm_governance_validity_query_action",
    steps: () => [
        {
            trigger: ".o_data_row:contains('GOVT lead A1') td.o_data_cell:first",
            content: "open the waiting query",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='evidence_html']:contains('无效')",
            content: "the evidence says the owner's hold is invalid",
        },
        {
            trigger: ".o_form_view .o_form_statusbar button:contains('转给申请人')",
            content: "transfer it",
            run: "click",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            content: "confirm",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view .o_statusbar_status button.o_arrow_button_current:contains('已转移')",
            content: "transferred",
        },
    ],
});

// GRADE-2: the head approves a grade proposal of their section
tours.add("crm_governance_approve_grade_tour", {
    url: "/odoo/action-crm_governance.crm_governance_grade_override_action",
    steps: () => [
        {
            trigger: ".o_data_row:contains('GOVT customer A1') td.o_data_cell:first",
            content: "open the proposal",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name='action_approve']",
            content: "approve it",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('已批准')",
            content: "approved",
        },
    ],
});

// SEC-2: the section admin scans the section for duplicates and merges a pair
tours.add("crm_governance_duplicates_tour", {
    url: "/odoo/action-crm_governance.crm_governance_duplicate_scan_action",
    steps: () => [
        {
            trigger: ".modal .o_field_widget[name='section_id'] input",
            content: "the section",
            run: "edit Section A",
        },
        {
            trigger: ".dropdown-item:contains('Section A')",
            content: "pick it",
            run: "click",
        },
        {
            trigger: ".modal button[name='action_scan']",
            content: "scan",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:contains('GOVT 重复客户')",
            content: "the deliberate duplicate is found",
        },
        {
            trigger: ".modal .o_data_row:contains('GOVT 重复客户') button[name='action_merge']",
            content: "merge",
            run: "click",
        },
        {
            trigger: ".modal-footer button.btn-primary:contains('确定'), .modal-footer button.btn-primary:contains('Ok')",
            content: "confirm the merge",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='name']:contains('GOVT 重复客户'), .o_form_view .o_field_widget[name='name'] input",
            content: "the surviving record opens",
        },
    ],
});

// SEC-2, PROT-7: the section admin merges two opportunities with Odoo's own Merge
// dialog from the list, giving the kept one the other's salesperson
tours.add("crm_governance_list_merge_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('GOVT 合并甲') .o_list_record_selector input",
            content: "select the first duplicate",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('GOVT 合并乙') .o_list_record_selector input",
            content: "and the second",
            run: "click",
        },
        {
            trigger: ".o_control_panel .o_cp_action_menus button, .o_control_panel .o_cp_action_menus .dropdown-toggle",
            content: "open the ⚙ Actions menu",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('合并'), .dropdown-item:contains('Merge')",
            content: "Odoo's Merge",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='user_id'] input",
            content: "the salesperson who keeps the merged opportunity",
            run: "edit T Sales A2",
        },
        {
            trigger: ".dropdown-item:contains('T Sales A2')",
            content: "pick them",
            run: "click",
        },
        {
            trigger: ".modal button[name='action_merge']",
            content: "merge",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name='user_id']:contains('T Sales A2')",
            content: "the kept opportunity opens, now T Sales A2's",
        },
        {
            trigger: ".o_form_view .o_governance_protection_box .badge:contains('距下次跟进')",
            content: "protected for its new owner",
        },
    ],
});

// SEC-5: the section admin freezes a salesperson from the module's own menu
tours.add("crm_governance_freeze_tour", {
    url: "/odoo/action-crm_governance.crm_governance_people_action",
    steps: () => [
        {
            trigger: ".o_data_row:contains('T Sales A2') button[name='action_governance_freeze']",
            content: "freeze a salesperson of the section",
            run: "click",
        },
        {
            trigger: ".modal-footer button.btn-primary",
            content: "confirm",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains('T Sales A2') button[name='action_governance_unfreeze']",
            content: "frozen: the row offers to unfreeze",
        },
    ],
});

// SEC-3: management moves a record to another section with its new owner
tours.add("crm_governance_move_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_cp_action_menus button, .o_control_panel .o_cp_action_menus .dropdown-toggle",
            content: "open the ⚙ menu",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('跨版块分配')",
            content: "Move to Another Section",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='record_count']:contains('1')",
            content: "the dialog knows its record",
        },
        {
            trigger: ".modal .o_field_widget[name='section_id'] input",
            content: "the target section",
            run: "edit Section B",
        },
        {
            trigger: ".dropdown-item:contains('Section B')",
            content: "pick it",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='user_id'] input",
            content: "its new owner there",
            run: "edit T Sales B1",
        },
        {
            trigger: ".dropdown-item:contains('T Sales B1')",
            content: "pick them",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='note'] textarea",
            content: "why",
            run: "edit 客户总部迁到北京",
        },
        {
            trigger: ".modal button[name='action_move']",
            content: "move",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('已移至版块 Section B')",
            content: "told where it went",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name='user_id']:contains('T Sales B1')",
            content: "the record shows its new owner",
        },
    ],
});
