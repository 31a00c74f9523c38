"""Stock lookups that run as superuser name no record across sections
(issue 21, class 2; SEC-4).

Every field of the models the module governs, and of the mail composer,
activities, followers and the invite and scheduling wizards, is swept by
introspection: a field another add-on adds later is swept too. As another
section's salesperson, over JSON-RPC:

- each field that can carry a record (a link to a lead or a customer, a
  ``res_model``/``res_id`` pair, a phone, an e-mail, a tax id or registry
  number another section's record has) is sent in an ``onchange`` with the
  foreign value; the answer (values and warnings) must neither name nor
  count nor point to the foreign record, and must be the same, word for
  word, as the answer for an id that does not exist (no existence oracle);
- the caller's own lead and customer, sharing those facts with the foreign
  ones, are read whole: no computed field points to, names or counts them.
"""
import itertools
import json
import re

from odoo.tests import HttpCase, tagged

from .common import GovernanceCase, RpcMixin

SWEPT_MODELS = ("crm.lead", "res.partner", "mail.compose.message", "mail.activity", "mail.followers",
                "mail.wizard.invite", "mail.activity.schedule")
GOVERNED = ("crm.lead", "res.partner")
# fields whose value a record of another section also has
SHARED_FACTS = {"phone": "0755-8123 4567", "mobile": "138 0013 8000", "email_from": "secret@govt-b.example",
                "email": "secret@govt-b.example", "vat": "CN91440300MA5F3XYZ1K", "company_registry": "GOVT-REG-B-77"}
# how a model names the document it belongs to
DOCUMENT_FIELDS = {"mail.compose.message": ("model", "res_ids"), "mail.activity": ("res_model", "res_id"),
                   "mail.followers": ("res_model", "res_id"), "mail.wizard.invite": ("res_model", "res_id"),
                   "mail.activity.schedule": ("res_model", "res_ids")}


@tagged("post_install", "-at_install", "crm_governance")
class TestStockLookupSweep(RpcMixin, GovernanceCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # another section's customer, its contact and its opportunity, with the shared facts
        cls.secret_account = cls.env["res.partner"].create({
            "name": "GOVT 深圳秘密客户有限公司", "is_company": True, "user_id": cls.sales_b1.id,
            "phone": SHARED_FACTS["phone"], "email": SHARED_FACTS["email"], "vat": SHARED_FACTS["vat"],
            "company_registry": SHARED_FACTS["company_registry"]})
        cls.secret_contact = cls.env["res.partner"].create({
            "name": "GOVT 秘密联系人", "parent_id": cls.secret_account.id, "mobile": SHARED_FACTS["mobile"]})
        cls.secret_lead = cls.env["crm.lead"].create({
            "name": "GOVT 秘密商机", "type": "opportunity", "user_id": cls.sales_b1.id, "team_id": cls.team_b.id,
            "partner_id": cls.secret_contact.id, "phone": SHARED_FACTS["phone"],
            "email_from": SHARED_FACTS["email_from"], "partner_name": "GOVT 深圳秘密客户有限公司",
            "contact_name": "GOVT 秘密联系人"})
        cls.secrets = ("GOVT 深圳秘密客户", "GOVT 秘密联系人", "GOVT 秘密商机", "T Sales B1", "GOVT lead B1",
                       "GOVT customer B1")
        cls.foreign = {"crm.lead": cls.secret_lead, "res.partner": cls.secret_account}
        # the attacker's own records, sharing the foreign ones' facts (registered before the rules)
        cls.own_account = cls.env["res.partner"].create({
            "name": "GOVT 自己的客户", "is_company": True, "user_id": cls.sales_a1.id,
            "phone": SHARED_FACTS["phone"], "vat": SHARED_FACTS["vat"],
            "company_registry": SHARED_FACTS["company_registry"], "email": SHARED_FACTS["email"]})
        cls.own_lead = cls.env["crm.lead"].create({
            "name": "GOVT 自己的商机", "type": "opportunity", "user_id": cls.sales_a1.id, "team_id": cls.team_a.id,
            "phone": SHARED_FACTS["phone"], "email_from": SHARED_FACTS["email_from"],
            "partner_name": "GOVT 自己的客户有限公司"})

    def _missing_id(self, model):
        self.env.cr.execute(f"SELECT COALESCE(MAX(id), 0) + 1000 FROM {self.env[model]._table}")  # noqa: SQL102
        return self.env.cr.fetchone()[0]

    def _spec(self, model):
        """The fields_spec a form of ``model`` with every field the caller
        may read would send."""
        spec = {}
        for name in self.env[model].with_user(self.sales_a1).fields_get(attributes=["type"]):
            field = self.env[model]._fields[name]
            if field.type == "binary":
                continue
            spec[name] = {"fields": {"display_name": {}}} if field.relational else {}
        return spec

    def _probes(self, model):
        """(changed field, values) carrying a foreign record or fact, for
        every field of ``model`` that can carry one; with ``{id}`` where the
        foreign (or missing) id goes."""
        probes = []
        for name, field in self.env[model]._fields.items():
            if field.relational and field.comodel_name in GOVERNED and field.type != "one2many":
                value = "{id}" if field.type == "many2one" else [[6, 0, ["{id}"]]]
                probes.append((name, field.comodel_name, {name: value}))
            elif name in SHARED_FACTS and field.type == "char":
                probes.append((name, None, {name: SHARED_FACTS[name]}))
        if model in DOCUMENT_FIELDS:
            model_field, id_field = DOCUMENT_FIELDS[model]
            for target in GOVERNED:
                id_value = "[{id}]" if id_field == "res_ids" else "{id}"
                vals = {model_field: target, id_field: id_value}
                if model == "mail.activity":
                    vals["res_model_id"] = self.env["ir.model"]._get_id(target)
                if model == "mail.compose.message":
                    vals["composition_mode"] = "comment"
                probes.append((id_field, target, vals))
        return probes

    def _fill(self, vals, record_id):
        text = json.dumps(vals).replace('"{id}"', str(record_id)).replace("{id}", str(record_id))
        return json.loads(text)

    def _answer(self, model, vals, changed, as_defaults=False):
        if as_defaults:
            # the same values as the context defaults a dialog is opened with
            res = self.call(model, "onchange", [], {}, [], self._spec(model),
                            context={f"default_{name}": value for name, value in vals.items()})
        else:
            res = self.call(model, "onchange", [], vals, [changed], self._spec(model))
        return res.get("result") if "result" in res else {"refused": res["error"]["data"]["message"]}

    def _pointers(self, model, value, foreign_ids):
        """Foreign (model, id) pairs the answer's relational values point to."""
        found = []
        for name, val in (value or {}).items():
            field = self.env[model]._fields.get(name)
            if not field or not field.relational or field.comodel_name not in GOVERNED:
                continue
            ids = []
            if isinstance(val, dict):
                ids = [val.get("id")]
            elif isinstance(val, list):
                ids = [v.get("id") if isinstance(v, dict) else (v[1] if isinstance(v, list) and len(v) > 1
                                                                  else v) for v in val]
            found += [(name, i) for i in ids if i in foreign_ids.get(field.comodel_name, ())]
        return found

    def test_onchange_of_every_field_names_nothing_foreign(self):
        self.login(self.sales_a1)
        foreign_ids = {"crm.lead": set(self.secret_lead.ids + self.lead_b1.ids),
                       "res.partner": set((self.secret_account | self.secret_contact | self.cust_b1).ids)}
        swept, leaks = 0, []
        for model in SWEPT_MODELS:
            for (changed, target, vals), as_defaults in itertools.product(self._probes(model), (False, True)):
                where = f"{model}.{changed} ({target or 'a shared fact'}{', as defaults' if as_defaults else ''})"
                record_id = self.foreign[target].id if target else 0
                answer = self._answer(model, self._fill(vals, record_id), changed, as_defaults)
                text = json.dumps(answer, ensure_ascii=False)
                leaks += [f"{where} names {secret!r}" for secret in self.secrets if secret in text]
                if "value" in (answer or {}):
                    leaks += [f"{where} points to {pointer}"
                              for pointer in self._pointers(model, answer["value"], foreign_ids)]
                if target:
                    # an id of another section and an id that does not exist: one answer
                    missing = self._missing_id(target)
                    other = self._answer(model, self._fill(vals, missing), changed, as_defaults)
                    foreign_text, missing_text = (re.sub(rf"\b{i}\b", "ID", json.dumps(t, ensure_ascii=False))
                                                  for t, i in ((answer, record_id), (other, missing)))
                    if foreign_text != missing_text:
                        leaks.append(f"{where}: a foreign and a missing id answer differently: "
                                     f"{foreign_text[:200]} / {missing_text[:200]}")
                swept += 1
        self.assertFalse(leaks, "\n".join(leaks))
        # the sweep found the fields it exists for (guards against sweeping nothing)
        self.assertGreater(swept, 30)

    def test_computed_fields_of_own_records_name_nothing_foreign(self):
        self.login(self.sales_a1)
        foreign_ids = {"crm.lead": set(self.secret_lead.ids + self.lead_b1.ids),
                       "res.partner": set((self.secret_account | self.secret_contact | self.cust_b1).ids)}
        for model, record in (("crm.lead", self.own_lead), ("res.partner", self.own_account)):
            with self.subTest(model=model):
                res = self.call(model, "web_read", [record.id], self._spec(model))
                self.assertIn("result", res, str(res)[:300])
                text = json.dumps(res["result"], ensure_ascii=False)
                for secret in self.secrets:
                    self.assertNotIn(secret, text, "a computed field names a record of another section")
                self.assertFalse(self._pointers(model, res["result"][0], foreign_ids),
                                 "a computed field points to a record of another section")

    def test_a_record_pointing_at_another_section_s_customer_names_nothing(self):
        """Odoo names what a many2one points to as superuser: a record one may
        create (a calendar filter, a composer's author, an activity's
        requester) pointed at another section's customer would name it."""
        self.login(self.sales_a1)
        foreign = self.secret_account.id
        made = self.call("calendar.filters", "create", [{"partner_id": foreign, "user_id": self.sales_a1.id}])
        if "result" in made:
            for read in (self.call("calendar.filters", "read", made["result"], ["partner_id"]),
                         self.call("calendar.filters", "web_read", made["result"],
                                   {"partner_id": {"fields": {"display_name": {}}}})):
                self.assertNotIn("GOVT 深圳秘密客户", json.dumps(read, ensure_ascii=False))
        else:
            self.refused(made, *self.secrets)
        res = self.call("mail.activity", "create", [{
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"), "res_id": self.own_lead.id,
            "request_partner_id": foreign, "user_id": self.sales_a1.id, "summary": "x"}])
        if "result" in res:
            read = self.call("mail.activity", "read", res["result"], ["request_partner_id"])
            self.assertNotIn("GOVT 深圳秘密客户", json.dumps(read, ensure_ascii=False))
        else:
            self.refused(res, *self.secrets)
