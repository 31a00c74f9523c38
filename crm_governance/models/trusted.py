"""Values the module's own code hands down through the context.

Anything a JSON-RPC caller sends as ``context`` is plain JSON: strings,
numbers, lists, dicts. A key such as ``governance_reason="claim"`` could be
sent by anyone to make a plain ``write`` look like a claim in the ledger.
Wrapping the value in a Python object makes it impossible to forge from
outside: only code running in the server can build one.
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
