"""What stock lookups may show their caller (SEC-4).

Stock computes and onchanges read what a form points to as superuser (a
partner's name and address, a document's name, the partner with the same
tax id): pointed at another section's record, they would name it; pointed
at an id that does not exist, they would answer otherwise (an existence
oracle). These helpers answer both alike.
"""
import re

from .governed import GOVERNED_MODELS
from .trusted import context_defaults

# how a model names the document it belongs to: (model field, id field)
DOCUMENT_FIELDS = {"mail.compose.message": ("model", "res_ids"), "mail.activity": ("res_model", "res_id"),
                   "mail.followers": ("res_model", "res_id"), "mail.wizard.invite": ("res_model", "res_id"),
                   "mail.activity.schedule": ("res_model", "res_ids")}


def readable_by_caller(env, records):
    """The records of ``records`` the real user of ``env`` may read through
    the record rules, also inside a superuser compute; ids that do not exist
    are dropped like unreadable ones."""
    if not records:
        return records
    caller = env(su=False)
    if caller.is_superuser():
        return records.exists()
    return records.with_env(caller)._filtered_access("read").with_env(env)


def ids_of(value):
    """Record ids in an onchange value: an id, an (id, name) pair, a
    ``{"id": …}`` dict, a list of ids or of x2many commands."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, float):
        return [int(value)] if value.is_integer() else []
    if isinstance(value, str):
        # "[5]", "(5,)", "5": however the ids are written, the ORM reads the numbers in it
        return [int(number) for number in re.findall(r"\d+", value)]
    if isinstance(value, dict):
        return ids_of(value.get("id"))
    if isinstance(value, (list, tuple)):
        if len(value) >= 2 and isinstance(value[0], int) and not isinstance(value[0], bool) \
                and isinstance(value[1], str):
            return [value[0]]  # (id, name)
        ids = []
        for item in value:
            if isinstance(item, (list, tuple)) and item and isinstance(item[0], int):
                command = item[0]
                if command == 6 and len(item) > 2:
                    ids += ids_of(item[2])
                elif command in (1, 4) and len(item) > 1:
                    ids += ids_of(item[1])
            else:
                ids += ids_of(item)
        return ids
    return []


def check_onchange_values(records, values):
    """Before an onchange of ``records``' model: every governed record its
    values point to (links, or a document by model and id) is one the
    caller may read, else the one refusal of ``_governance_check_caller``
    (the same for an id that does not exist). A link the record already
    has is not checked again."""
    env = records.env
    if env.su or not env["crm.governance.section"]._governance_enabled_ids():
        return
    # a dialog opened with default_<field> in its context takes those values too
    values = {**context_defaults(env), **(values if isinstance(values, dict) else {})}
    current = records.sudo()[:1]
    wanted = {}
    for name, value in values.items():
        field = records._fields.get(name)
        if field and field.relational and field.comodel_name in GOVERNED_MODELS:
            ids = set(ids_of(value))
            if current and current.id:
                ids -= set(current[name].ids)
            wanted.setdefault(field.comodel_name, set()).update(ids)
    model_field, id_field = DOCUMENT_FIELDS.get(records._name, (None, None))
    if model_field:
        model = values.get(model_field) or env.context.get("active_model")
        if model in GOVERNED_MODELS:
            # the dialog's documents: its own field, or the context it was opened with
            for value in (values.get(id_field), env.context.get("active_ids"), env.context.get("active_id"),
                          env.context.get("composer_force_res_ids")):
                wanted.setdefault(model, set()).update(ids_of(value))
    for model, ids in wanted.items():
        ids = {i for i in ids if isinstance(i, int) and i > 0}
        if ids:
            env[model].browse(sorted(ids))._governance_check_caller("read")
