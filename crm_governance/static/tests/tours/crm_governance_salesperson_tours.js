/** @odoo-module **/

import { registry } from "@web/core/registry";

// A salesperson's day in the web client (zh_CN), as tests/test_tour.py sets it up:
// the pool, a record lacking facts the section now requires, the pipeline's
// quick create, Check Customer and a grade proposal. Every step asserts
// what the user sees: counts, choices, notices and badges.

const tours = registry.category("web_tour.tours");

// PROT-5: claim one row from the pool list, then an incomplete record from its form
tours.add("crm_governance_pool_tour", {
    url: "/odoo/action-crm_governance.crm_governance_pool_lead_action",
    steps: () => [
        {
            trigger: ".o_data_row:contains('GOVT 公海甲'):contains('可以领取')",
            content: "the pool says which records the salesperson may claim",
        },
        {
            trigger: ".o_data_row:contains('GOVT 公海丙'):contains('回收冷却')",
            content: "and why not: the cool-down of a record they lost",
        },
        {
            trigger: ".o_data_row:contains('GOVT 公海甲') .o_list_record_selector input",
            content: "select the claimable row",
            run: "click",
        },
        {
            trigger: ".o_control_panel button:contains('领取')",
            content: "claim it with the list's button (not only the ⚙ menu)",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('已领取'):contains('1 条记录已归您所有')",
            content: "told it is theirs now, with the next follow-up due",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('GOVT 公海甲')))",
            content: "the list refreshed: the claimed record left the pool",
        },
        {
            trigger: ".o_data_row:contains('GOVT 公海乙') td.o_data_cell:first",
            content: "open a pool record that lacks facts the section requires",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_governance_protection_box .badge:contains('公海')",
            content: "its protection box says it is in the pool",
        },
        {
            trigger: ".o_form_view button[name='action_governance_claim']",
            content: "claim it from the form: its missing facts block nothing",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('已领取')",
            content: "claimed",
        },
        {
            trigger: ".o_form_view .o_governance_protection_box .badge:contains('距下次跟进 15 天')",
            content: "the badge counts down to the next follow-up due",
        },
        {
            trigger: ".o_form_view .o_governance_protection_box:contains('下次跟进截止')",
            content: "the box shows the dates",
        },
        {
            trigger: ".o_form_view .alert:contains('仍缺少')",
            content: "and what the record still lacks, in one line",
        },
    ],
});

// FU-2, FU-3: follow-ups on a record lacking a fact; the badge, the verdict, the notice
tours.add("crm_governance_followup_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_governance_protection_box .badge:contains('跟进逾期 · 15 天后入公海')",
            content: "the follow-up is overdue: 15 days until the pool (35 days without a valid contact)",
        },
        {
            trigger: ".o_form_view button[name='action_governance_log_followup']",
            content: "open Log Follow-up (the record lacks facts: nothing blocks the button)",
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
            trigger: ".o_notification:contains('已保存，但不计为有效跟进')",
            content: "told again after saving",
        },
        {
            trigger: ".o-mail-Message:contains('外出') .o_governance_followup_mark:contains('无效跟进')",
            content: "the chatter marks the note invalid, with its reasons",
        },
        {
            trigger: "body:not(:has(.modal)) .o_governance_protection_box .badge:contains('15 天后入公海')",
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
            trigger: ".o_notification:contains('跟进已计入'):contains('保护已续期')",
            content: "a valid follow-up confirms the new dates",
        },
        {
            trigger: ".o-mail-Message:contains('确认预算50万') .o_governance_followup_mark:contains('有效跟进')",
            content: "the chatter marks it valid",
        },
        {
            trigger: "body:not(:has(.modal)) .o_governance_protection_box .badge:contains('距下次跟进 15 天')",
            content: "the badge counts down to the next follow-up due again",
        },
    ],
});

// SEC-1, ENTRY-1: a quick-created opportunity lands in the salesperson's section
tours.add("crm_governance_quick_create_tour", {
    url: "/odoo/crm",
    steps: () => [
        {
            trigger: ".o_kanban_view .o_kanban_group:first .o_kanban_quick_add",
            content: "quick-create in the first column",
            run: "click",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name='governance_form_section_id']:contains('Section A')",
            content: "the section it lands in is shown at once",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name='name'] input",
            content: "name it",
            run: "edit GOVT 快速商机",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name='partner_name'] input",
            content: "the registered business name",
            run: "edit GOVT 苏州快建精密机械有限公司",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name='contact_name'] input",
            content: "the contact",
            run: "edit 王建国",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name='phone'] input",
            content: "the phone",
            run: "edit 0512-6588 1234",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name='source_id'] input",
            content: "the source",
            run: "edit GOVT 展会",
        },
        {
            trigger: ".dropdown-item:contains('GOVT 展会')",
            content: "pick it",
            run: "click",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name='state_id'] input",
            content: "the region",
            run: "edit 江苏",
        },
        {
            trigger: ".dropdown-item:contains('江苏')",
            content: "pick it",
            run: "click",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name='description'] .odoo-editor-editable",
            content: "the need",
            run: "editor 两条产线需要设备联网，预算约四十万元",
        },
        {
            trigger: ".o_kanban_quick_create .o_kanban_add",
            content: "add it",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('GOVT 快速商机') .o_governance_badge:contains('距下次跟进 15 天')",
            content: "it is in the pipeline, protected under the section's rules",
        },
    ],
});

// ENTRY-2: Check Customer says who holds a company, counted against the daily limit
tours.add("crm_governance_check_customer_tour", {
    url: "/odoo/action-crm_governance.crm_governance_customer_check_action",
    steps: () => [
        {
            trigger: ".modal .o_field_widget[name='customer'] input",
            content: "type a company name",
            run: "edit GOVT customer A1",
        },
        {
            trigger: ".modal button[name='action_check']",
            content: "check it",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='answer']:contains('受保护：T Sales A1 于')",
            content: "a colleague's registration holds it, since when",
        },
    ],
});

// GRADE-2: the owner proposes another grade for their customer, from its Grade tab,
// until a day within the company's longest override (12 months)
const inSixMonths = () => new Date(Date.now() + 180 * 86400000).toISOString().slice(0, 10);
tours.add("crm_governance_propose_grade_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a:contains('等级')",
            content: "open the customer's Grade tab",
            run: "click",
        },
        {
            trigger: ".o_form_view button:contains('申请调整等级')",
            content: "propose another grade",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='grade'] select",
            content: "grade A",
            run: "select \"A\"",
        },
        {
            trigger: ".modal .o_field_widget[name='date_end'] input",
            content: "until",
            run: `edit ${inSixMonths()}`,
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            content: "why",
            run: "edit 集团明年统一采购，框架协议预计三百万元",
        },
        {
            trigger: ".modal .o_form_button_save",
            content: "submit it",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view",
            content: "the proposal waits for the section head",
        },
    ],
});

// PROT-5, PROT-7: what the head did with the salesperson's records reaches
// their Discuss inbox, in their language, with the head's note on its own line
tours.add("crm_governance_inbox_tour", {
    url: "/odoo/action-mail.action_discuss",
    steps: () => [
        {
            trigger: ".o-mail-Message:contains('交给您的记录：分单'):contains('GOVT 分来的商机')",
            content: "a record dispatched to them: who gave it and why",
        },
        {
            trigger: ".o-mail-Message:contains('从您名下移出的记录：版块收回公海'):contains('GOVT 收回的商机')",
            content: "a record the head returned to the pool: not 'released by owner'",
        },
        {
            trigger: ".o-mail-Message:contains('版块收回公海'):contains('说明：客户已转由总部统一跟进')",
            content: "with the head's note",
        },
    ],
});
