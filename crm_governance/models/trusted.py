"""What a JSON-RPC caller can and cannot send.

``Trusted``: values the module's own code hands down through the context.

Anything a JSON-RPC caller sends as ``context`` is plain JSON: strings,
numbers, lists, dicts. A key such as ``governance_reason="claim"`` could be
sent by anyone to make a plain ``write`` look like a claim in the ledger.
Wrapping the value in a Python object makes it impossible to forge from
outside: only code running in the server can build one.

``as_id``: a record id as the ORM will take it, whatever type the caller
sent it as, so that no check is skipped because an id arrived as "5".

``context_defaults``: the ``default_<field>`` values stock ``create`` and
``onchange`` take from the context, which the caller also chooses.
"""


class Trusted:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return f"Trusted({self.value!r})"


def trusted(env, key, default=None):
    """The value the module put under ``key``, or ``default`` when it is
    absent or was sent by a caller."""
    value = env.context.get(key)
    return value.value if isinstance(value, Trusted) else default


def as_id(value):
    """A record id as the ORM would take it from a JSON-RPC caller: an int,
    a numeric string ("5" is stored as 5), a (id, name) pair or a record;
    ``None`` for anything else, so checks are never skipped by a type."""
    if hasattr(value, "_name") and hasattr(value, "ids"):
        return value.ids[0] if len(value.ids) == 1 else None
    if isinstance(value, (list, tuple)) and value:
        value = value[0]
    if isinstance(value, bool):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def context_defaults(env):
    """{field: value} of the ``default_<field>`` keys in ``env``'s context."""
    return {key[8:]: value for key, value in env.context.items() if key.startswith("default_")}


def forged(env, vals_list, names, with_defaults=False):
    """The fields of ``names`` a caller tries to set: in any of ``vals_list``
    or, ``with_defaults``, as a ``default_<field>`` of the context."""
    sent = set(context_defaults(env)) if with_defaults else set()
    for vals in vals_list:
        sent.update(vals)
    return sent.intersection(names)

