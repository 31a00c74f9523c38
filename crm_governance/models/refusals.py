"""The refusals a caller gets for records they may not reach (SEC-4)."""
from odoo.exceptions import AccessError


def governance_access_error(env, model):
    """The one refusal for a record the caller may not reach, whether it
    belongs to another section, to nobody they may see, or does not exist:
    it names no record, owner or id (SEC-4)."""
    description = env["ir.model"]._get(model).name or model
    return AccessError(env._(
        "You cannot reach the requested %(model)s record(s): they do not exist, or they belong to "
        "someone or somewhere you may not see (SEC-4).", model=description))


def governance_readonly_error(env, model, operation):
    """The refusal for a record the caller reads but may not change (a pool
    record, a colleague's record their head shows them): said as such, not
    as one they cannot reach (which would tell them nothing true)."""
    description = env["ir.model"]._get(model).name or model
    if operation == "unlink":
        return AccessError(env._(
            "You may read this %(model)s record but not delete it: only the section's admins delete its records; "
            "archive it instead if it is yours (SEC-2).", model=description))
    return AccessError(env._(
        "You may read this %(model)s record but not change it: claim it from the public pool first, or ask its "
        "owner or the section's head (SEC-2, PROT-5).", model=description))
