from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.modules.registry import Registry
from odoo.tools import SQL

from ..policy import registration
from .crm_governance_protection_mixin import ResultGroup
from .governed import GOVERNED_MODELS
from .set_wise import update_by_id
from .trusted import trusted

# the stored key of each kind (ENTRY-2)
KEY_FIELDS = {column: f"governance_{column}_key" for column in registration.COLUMNS}
# a record without a section that gets one through these enters it: a registration
ENTERING_FIELDS = frozenset(("user_id", "team_id", "section_id", "parent_id", "is_company"))


class CrmGovernanceRegistrationLock(models.Model):
    """One row per normalised key ever registered: the row two concurrent
    registrations of one company both write, so that exactly one wins
    (ENTRY-2). The loser's transaction meets the winner's committed row and
    fails with a serialization error; Odoo replays the request, which then
    sees the winner and gets the collision message."""
    _name = "crm.governance.registration.lock"
    _description = "CRM Registration Key Lock"
    _log_access = False

    key = fields.Char(required=True, readonly=True)
    touched_at = fields.Datetime(readonly=True)

    _sql_constraints = [("key_uniq", "unique(key)", "One lock row per registration key (ENTRY-2).")]

    @api.model
    def _governance_lock(self, keys):
        """Take the lock of every key (sorted: no deadlock between two
        registrations sharing several keys)."""
        keys = sorted(set(keys))
        if not keys:
            return
        self.env.cr.execute(SQL(
            "INSERT INTO crm_governance_registration_lock (key, touched_at) "
            "SELECT k, now() AT TIME ZONE 'UTC' FROM unnest(%s::varchar[]) AS k "
            "ON CONFLICT (key) DO UPDATE SET touched_at = EXCLUDED.touched_at", keys))


class CrmGovernanceRegistrationMixin(models.AbstractModel):
    """Collision check (撞单检查, ENTRY-2) for leads/opportunities and customer
    accounts: normalised keys of the company name, phone, e-mail and tax id,
    stored and indexed, kept by the module on every create and write; a new
    registration (or a changed key) that matches another owner's protected
    record is refused. First registered wins (PROT-1)."""
    _name = "crm.governance.registration.mixin"
    _description = "CRM Registration Keys"

    governance_name_key = fields.Char(string="Name Key", readonly=True, copy=False, index="btree_not_null")
    governance_phone_key = fields.Char(string="Phone Key", readonly=True, copy=False, index="btree_not_null")
    governance_email_key = fields.Char(string="E-mail Key", readonly=True, copy=False, index="btree_not_null")
    governance_tax_key = fields.Char(string="Tax ID Key", readonly=True, copy=False, index="btree_not_null")
    governance_mobile_key = fields.Char(string="Mobile Key", readonly=True, copy=False, index="btree_not_null")

    # -- what each model registers -------------------------------------------
    def _governance_key_sources(self):
        """The fields a write of which may change the keys."""
        raise NotImplementedError

    def _governance_key_facts(self):
        """``(name, phone, mobile, email, vat)`` of one record, as typed."""
        raise NotImplementedError

    def _governance_company(self):
        """The company whose lists and country a record's keys are read with:
        its section's, never one its author picks."""
        section = self.sudo()._governance_section()
        return section.company_id or (self.company_id if "company_id" in self._fields else None) \
            or self.env.company

    def _governance_region(self):
        """The country a phone without its country code is read in: the
        section company's, never the record's own country, which its author
        could set to read a taken number as another one."""
        return self._governance_company().country_id.code or "CN"

    def _governance_registers(self):
        """The records of ``self`` a collision check applies to."""
        return self._governance_governed()

    def _governance_result_groups(self):
        # (not refused to the superuser: Odoo's partner merge copies every
        # field, and the keys are stored again after any write anyway)
        keys = ResultGroup(frozenset(KEY_FIELDS.values()), lambda env, names: env._(
            "%s cannot be written: registration keys follow from the name, phone, e-mail and tax id (ENTRY-2).",
            names), False)
        return super()._governance_result_groups() + [keys]

    # -- keys --------------------------------------------------------------
    @api.model
    def _governance_suffixes(self, company=None):
        company = company or self.env.company
        return registration.parse_lines(company.sudo().governance_registration_legal_suffixes) \
            or registration.LEGAL_SUFFIXES_DEFAULT

    def _governance_keys(self):
        """record id -> :class:`registration.Keys`, from the facts now."""
        suffixes = {}
        result = {}
        for rec in self.sudo():
            company = rec._governance_company()
            if company.id not in suffixes:
                suffixes[company.id] = self._governance_suffixes(company)
            name, phone, mobile, email, vat = rec._governance_key_facts()
            result[rec.id] = registration.keys(name, phone, email, vat, rec._governance_region(),
                                               suffixes[company.id], mobile)
        return result

    def _governance_store_keys(self):
        """Compute and store the keys of the governed records of ``self``;
        return them (id -> Keys). Records outside governed sections hold
        nothing against anyone (no protection): they get their keys when
        their section is enabled or they enter a governed one, and stock
        Odoo pays nothing for them."""
        if not self._governance_active():
            return {}
        records = self.browse(self.sudo().exists()._governance_governed().ids)
        if not records:
            return {}
        records.sudo().flush_recordset()
        keys = records._governance_keys()
        # only rows whose keys change are written: a re-keying pass then
        # leaves alone (and does not collide with) the rows users are editing
        stored = {rec.id: rec.sudo()._governance_stored_keys() for rec in records}
        ids = [i for i in keys if tuple(getattr(keys[i], c) or None for c in KEY_FIELDS) != stored.get(i)]
        update_by_id(self.env.cr, self._table, ids, {
            field: ("varchar", [getattr(keys[i], column) for i in ids]) for column, field in KEY_FIELDS.items()})
        records.invalidate_recordset(list(KEY_FIELDS.values()))
        return keys

    def _governance_stored_keys(self):
        self.ensure_one()
        return tuple(self[f] or None for f in KEY_FIELDS.values())

    # -- holders of the same keys ----------------------------------------------
    @api.model
    def _governance_holders(self, keys):
        """Every record of either model sharing a key of ``keys`` (a list of
        :class:`registration.Keys`), read without the caller's rights so
        hidden ones are not missed, by exact match on the indexed keys:
        ``(kind, key) -> [Holder]``."""
        wanted = {kind: sorted({key for k in keys for k_kind, key in k.items() if k_kind == kind})
                  for kind in registration.KINDS}
        if not any(wanted.values()):
            return {}
        for model in GOVERNED_MODELS:
            Model = self.env[model]
            Model.flush_model([name for name in (*KEY_FIELDS.values(), "user_id", "section_id", "active",
                                                 "protection_state", "protected_since", "release_at", "pool_due_at",
                                                 "governance_registration_state", "stage_id")
                              if name in Model._fields])
        # a mobile is matched as a phone: both columns against every number
        match = SQL(" OR ").join(
            SQL("r.%s = ANY(%s::varchar[])", SQL.identifier(KEY_FIELDS[column]),
                wanted[registration.KIND_OF_COLUMN[column]])
            for column in registration.COLUMNS if wanted[registration.KIND_OF_COLUMN[column]])
        parts = []
        for model in GOVERNED_MODELS:
            Model = self.env[model]
            state = SQL("r.governance_registration_state") if "governance_registration_state" in Model._fields \
                else SQL("NULL::varchar")
            won = SQL("EXISTS (SELECT 1 FROM crm_stage st WHERE st.id = r.stage_id AND st.is_won)") \
                if "stage_id" in Model._fields else SQL("false")
            parts.append(SQL(
                """SELECT %(model)s, r.id, r.user_id, r.section_id, r.active, r.protection_state, %(state)s,
                          COALESCE(r.protected_since, r.create_date), COALESCE(r.pool_due_at, r.release_at), %(won)s,
                          %(keys)s
                     FROM %(table)s r
                    WHERE %(match)s""",
                model=model, table=SQL.identifier(Model._table), state=state, won=won,
                keys=SQL(", ").join(SQL("r.%s", SQL.identifier(KEY_FIELDS[c])) for c in registration.COLUMNS),
                match=match))
        # deleted registrations hold their keys until an admin frees them (SEC-2)
        Deleted = self.env["crm.governance.deleted.registration"]
        Deleted.flush_model()
        parts.append(Deleted._governance_holders_sql(match))
        self.env.cr.execute(SQL(" UNION ALL ").join(parts))
        found = {}
        for model, rid, owner, section, active, protection_state, reg_state, since, until, won, *row_keys in \
                self.env.cr.fetchall():
            state = registration.DELETED if model == Deleted._name else \
                registration.holder_state(active, protection_state, reg_state, owner, won)
            shared = tuple(dict.fromkeys(
                (registration.KIND_OF_COLUMN[column], key) for column, key in zip(registration.COLUMNS, row_keys,
                                                                                  strict=True)
                if key and key in wanted[registration.KIND_OF_COLUMN[column]]))
            holder = registration.Holder(model, rid, owner, section, state, since,
                                         tuple(dict.fromkeys(kind for kind, _key in shared)), until)
            for pair in shared:
                found.setdefault(pair, []).append(holder)
        return found

    def _governance_verdicts(self, keys, owner=None, moving=()):
        """record id -> :class:`registration.Verdict` for the records of
        ``self`` (``keys``: their Keys), each against every other record,
        for their owner or the one they are about to get (``owner``);
        ``moving``: ``(model, id)`` of records going to that owner with them."""
        # the records of ``self`` are holders for each other: a batch of two
        # registrations of one company by two owners is refused too
        holders = self._governance_holders(list(keys.values()))
        return {rec.id: registration.collision(
            (owner or rec.user_id).id or None, rec.section_id.id,
            registration.holders_of(keys[rec.id], holders, (rec._name, rec.id), moving)) for rec in self.sudo()}

    def _governance_customer_family(self, owner):
        """The other records of the same customers (sharing a key: its
        account, its other opportunities) that ``owner`` holds in the same
        section, per model: what goes with ``self`` when a decision gives it
        to someone else (first registered wins, ENTRY-2)."""
        records = self.sudo()
        holders = records._governance_holders(list(records._governance_keys().values()))
        refs = {(h.model, h.id) for found in holders.values() for h in found
                if h.owner_id == owner.id and h.state == registration.PROTECTED
                and h.section_id in records.section_id.ids} - {(r._name, r.id) for r in records}
        family = {}
        for model, rid in refs:
            family.setdefault(model, []).append(rid)
        return {model: self.env[model].sudo().browse(ids) for model, ids in family.items()}

    def _governance_check_collisions(self, keys):
        """Refuse the registrations of ``self`` (``keys``: id -> Keys) that
        another owner's protected record already holds (ENTRY-2). The lock
        rows come first: a concurrent registration of the same key waits,
        then one of the two is replayed and meets the other."""
        self.env["crm.governance.registration.lock"].sudo()._governance_lock(
            f"{kind}:{key}" for k in keys.values() for kind, key in k.items())
        # past the caller's lookups of the day, a registration answers nothing,
        # taken or free: each answer says whether the customer exists somewhere
        for rec in self.browse(list(keys)):
            if any(True for _pair in keys[rec.id].items()) and not rec._governance_lookups_left():
                raise UserError(rec._governance_limit_message())
        for rec_id, verdict in self._governance_verdicts(keys).items():
            if verdict.refused:
                self.browse(rec_id)._governance_refuse_collision(verdict)

    def _governance_lookups_left(self):
        """Has the caller Check Customer lookups left today in the section of
        ``self`` (the refusals of this transaction included)?"""
        section = self.sudo()._governance_section()
        if self.env.su or not section:
            return True
        counter = self.env.cr.cache.get("governance_lookup_counters", {}).get((self.env.uid, section.id))
        Lookup = counter[1] if counter else self.env["crm.governance.lookup"]
        pending = self.env.cr.cache.get("governance_refusals", {}).get((self.env.uid, section.id), 0)
        return Lookup._governance_spent_by(self.env.uid, "customer_check", section.id) + pending < \
            section.customer_check_daily_limit

    def _governance_limit_message(self):
        section = self.sudo()._governance_section()
        return _("You reached today's Check Customer limit (%(limit)s lookups in %(section)s; a registration refused "
                 "as already registered counts as one): registrations you make are not checked, so not made, until "
                 "the next day. Ask your section head to register it (ENTRY-2).",
                 limit=section.customer_check_daily_limit, section=section.display_name)

    def _governance_refuse_collision(self, verdict):
        """The refusal says who holds it and since when in the same section,
        only "another section" otherwise, and never another field of the
        other record (ENTRY-2, SEC-4)."""
        if not self.env.su and not self._governance_readable():
            # a record the caller changed without seeing it (a lead of another
            # section following a customer they edited): nothing of it is told
            raise UserError(_("This change would make a registration you cannot see collide with another "
                              "registration of the same customer; it is refused (ENTRY-2, SEC-4)."))
        name = self.sudo().display_name
        holder = verdict.holder
        # taken in this section or in another: an answer Check Customer would
        # count, counted alike; past the limit it says nothing (ENTRY-2, SEC-4)
        if verdict.kind in (registration.TAKEN_SAME_SECTION, registration.TAKEN_OTHER_SECTION,
                            registration.HELD_DELETED) and not self._governance_count_refusal():
            raise UserError(self._governance_limit_message())
        if verdict.kind == registration.TAKEN_SAME_SECTION:
            owner = self.env["res.users"].sudo().browse(holder.owner_id)
            raise UserError(_(
                "%(customer)s is already registered by %(owner)s since %(date)s: the first registration keeps "
                "the customer (ENTRY-2).", customer=name, owner=owner.name,
                date=fields.Date.to_string(holder.since) if holder.since else "-"))
        if verdict.kind == registration.TAKEN_OTHER_SECTION:
            raise UserError(_("%(customer)s is already registered in another section (ENTRY-2).", customer=name))
        if verdict.kind == registration.HELD_DELETED:
            raise UserError(_(
                "%(customer)s was registered before and deleted by a section admin; its registration stays held "
                "until an admin of the section frees it (Deleted Registrations) (SEC-2, ENTRY-2).", customer=name))
        raise RedirectWarning(
            _("%(customer)s is in your section's public pool: claim it instead of registering it again "
              "(ENTRY-2, PROT-5).", customer=name),
            {"type": "ir.actions.act_window", "res_model": holder.model, "res_id": holder.id,
             "views": [(False, "form")], "target": "current"},
            _("Open it to claim"))

    def _governance_readable(self):
        try:
            self.check_access("read")
        except AccessError:
            return False
        return True

    def _governance_refuse_bad_input(self):
        """Garbage is refused where it is typed, naming the field, instead of
        silently giving no key (and so a duplicate nobody sees)."""
        for rec in self.sudo():
            name, phone, mobile, email, vat = rec._governance_key_facts()
            company = rec._governance_company()
            found = registration.bad_input(name, phone, email, vat, rec._governance_region(),
                                           self._governance_suffixes(company), mobile)
            messages = {
                registration.BAD_NAME: _("Field 'Company Name': '%s' is only a legal form or punctuation; give the "
                                         "registered business name (ENTRY-2).", name),
                registration.BAD_PHONE: _("Field 'Phone': '%s' is not a phone number (ENTRY-2).",
                                          " / ".join(filter(None, (phone, mobile)))),
                registration.BAD_EMAIL: _("Field 'Email': '%s' is not an e-mail address with a domain (ENTRY-2).",
                                          email),
                registration.BAD_TAX: _("Field 'Tax ID': '%s' is not a valid tax id; a unified social credit code "
                                        "(统一社会信用代码) has 18 characters and a check digit (ENTRY-2).", vat),
            }
            if found:
                raise UserError("\n".join(messages[code] for code in found))

    def _governance_count_refusal(self):
        """A refused registration tells who holds a customer as Check
        Customer does: it costs one of the same lookups (ENTRY-2), or a
        refusal would be an unlimited lookup. Counted before it answers, in a
        transaction of its own that holds the caller's lookup lock until ours
        ends (rolled back, or committed around an import's refused rows): a
        concurrent refusal of the same caller waits for it, then sees it (a
        burst of parallel registrations is no way past the limit). False when
        today's lookups are used up: the refusal then says nothing."""
        section = self.sudo()._governance_section()
        if self.env.su or not section:
            return True
        if self.env.registry.in_test_mode():
            return self._governance_count_refusal_after(section)
        Lookup = self._governance_lookup_counter(section)
        if Lookup is None:
            return True  # (a user or section of this very transaction: nothing to count against)
        if Lookup._governance_spent_by(self.env.uid, "customer_check", section.id) >= \
                section.customer_check_daily_limit:
            return False
        Lookup.create({"user_id": self.env.uid, "kind": "customer_check", "section_id": section.id})
        return True

    def _governance_count_refusal_after(self, section):
        """The same count where browser tests share one database connection
        between every cursor (the registry's test mode), so that no second
        transaction can hold a lock: counted right after our transaction
        ends, in a cursor of its own."""
        pending = self.env.cr.cache.setdefault("governance_refusals", {})
        dbname, uid, section_id = self.env.cr.dbname, self.env.uid, section.id
        spent = self.env["crm.governance.lookup"]._governance_spent_by(uid, "customer_check", section_id) + \
            pending.get((uid, section_id), 0)
        if spent >= section.customer_check_daily_limit:
            return False
        pending[(uid, section_id)] = pending.get((uid, section_id), 0) + 1

        def count():
            pending.clear()
            with Registry(dbname).cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                # (a user or section of the rolled-back transaction itself is gone with it)
                if env["res.users"].browse(uid).exists() and env["crm.governance.section"].browse(section_id).exists():
                    env["crm.governance.lookup"].create(
                        {"user_id": uid, "kind": "customer_check", "section_id": section_id})
        # the refusal usually rolls the transaction back; an import refuses
        # rows in savepoints and commits the rest: exactly one of the two runs
        self.env.cr.postrollback.add(count)
        self.env.cr.postcommit.add(count)
        return True

    def _governance_lookup_counter(self, section):
        """``crm.governance.lookup`` in the transaction that counts the
        caller's refusals in ``section`` during ours: opened once, holding the
        lookup lock, committed when ours ends (see _governance_count_refusal)."""
        counters = self.env.cr.cache.setdefault("governance_lookup_counters", {})
        key = (self.env.uid, section.id)
        if key not in counters:
            cr = Registry(self.env.cr.dbname).cursor()
            env = api.Environment(cr, SUPERUSER_ID, {})
            if not (env["res.users"].browse(self.env.uid).exists() and section.id in env[
                    "crm.governance.section"].search([("id", "=", section.id)]).ids):
                cr.close()
                return None
            # the same lock Check Customer takes: one caller's lookups are counted one after the other
            env["crm.governance.registration.lock"]._governance_lock([f"lookup:customer_check:{key[0]}:{key[1]}"])
            counters[key] = (cr, env["crm.governance.lookup"])

            def finish(cr=cr, counters=counters, key=key):
                counters.pop(key, None)
                try:
                    # its own transaction, ended with ours (see _governance_count_refusal)
                    cr.commit()  # pylint: disable=invalid-commit
                finally:
                    cr.close()
            self.env.cr.postrollback.add(finish)
            self.env.cr.postcommit.add(finish)
        return counters[key][1]

    def _governance_check_owner_change(self, user):
        """A claim, dispatch or reassignment gives records to ``user``: not
        when another owner holds the same customer (first registered wins,
        ENTRY-2); a pooled duplicate of a protected record stays pooled."""
        records = self.sudo()._governance_registers()
        if not user or not records:
            return
        moving = trusted(self.env, "governance_moving_together", frozenset())
        for rec_id, verdict in records._governance_verdicts(records._governance_keys(), owner=user,
                                                            moving=moving).items():
            if verdict.kind in (registration.TAKEN_SAME_SECTION, registration.TAKEN_OTHER_SECTION):
                self.browse(rec_id)._governance_refuse_collision(verdict)

    def _governance_checks_registration(self):
        """Is this create or write a registration the collision check applies
        to? Not for the superuser (install, the module's own passes) and not
        for the mail gateway: its leads are never lost (ENTRY-1)."""
        # (a merge is the section admin's resolution of duplicates: the
        # survivor takes the others' facts while they still exist)
        return not self.env.su and not trusted(self.env, "governance_gateway") \
            and not trusted(self.env, "governance_merging") and self._governance_active()

    # -- steps of the pipeline (crm_governance_record_mixin.py) ------------------
    def _governance_refuse_incomplete(self, change):
        # the required facts before the keys and the collision check: that
        # refusal writes nothing and costs no Check Customer lookup (ENTRY-1)
        self._governance_refuse_incomplete_registration()

    def _governance_refuse_incomplete_registration(self):
        """A new registration lacking a fact its section requires is refused
        before its collision check (ENTRY-1 before ENTRY-2); the models whose
        registrations require facts say which."""

    def _governance_check_new_keys(self, change):
        """The keys of new records, of changed facts and of records entering
        a (governed) section, then the collision check (ENTRY-2)."""
        if change.vals_list is not None:
            keys = self._governance_store_keys()
            if self._governance_checks_registration():
                checked = self.sudo()._governance_registers()
                if checked:
                    checked = self.browse(checked.ids)
                    checked._governance_refuse_bad_input()
                    checked._governance_check_collisions({i: keys[i] for i in checked.ids})
            return
        # a record coming back from the archive is registered again: its
        # customer may have been registered by someone else meanwhile
        if not change.key_change and not change.fields & ENTERING_FIELDS or not self._governance_active():
            return
        before = change.before
        moved = self.sudo().filtered(lambda r: r.section_id.id != before[r.id].section)
        if not change.key_change and not moved:
            return
        keys = (self if change.key_change else moved)._governance_store_keys()
        if self._governance_checks_registration():
            # a record entering a section now (created outside any) is a
            # registration there; otherwise only the records whose keys
            # changed: editing an older duplicate (installed data) is not
            unarchived = change.vals.get("active") and "active" in self._fields
            registers = self.sudo()._governance_registers()
            changed = registers.filtered(lambda r: r.id in keys and (
                not before[r.id].section or (unarchived and not before[r.id].active) or (
                    change.key_change and tuple(getattr(keys[r.id], c) for c in registration.COLUMNS)
                    != before[r.id].keys)))
            if changed:
                changed = self.browse(changed.ids)
                changed._governance_refuse_bad_input()
                changed._governance_check_collisions({i: keys[i] for i in changed.ids})

    # -- keys of records registered before (install, legal forms changed) -------
    @api.model
    def _governance_rekey(self, batch=5000, after_id=0):
        """Store the keys of the records after ``after_id``, a batch at a
        time; returns the last id done (0 when finished)."""
        ids = self.sudo().with_context(active_test=False).search(
            [("id", ">", after_id), ("section_id.governance_enabled", "=", True)], order="id", limit=batch).ids
        if not ids:
            return 0
        self.browse(ids)._governance_store_keys()
        return ids[-1]
