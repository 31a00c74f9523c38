"""Texts the module writes for a person are in that person's language.

A scheduled pass runs as OdooBot with no language; an approval is clicked by
a head who may read English while the salesperson told reads Chinese. So a
text is built for its reader: the record's owner (reminders, release notes)
or each recipient of a notice, grouped by language so that one notice goes
to each language's readers. ``render`` callables take an environment in the
reader's language and return the text (``env._(…)`` translates there).
"""


def reader_lang(env, user):
    """The language a user reads, else the company's (the partner's), else
    the current one."""
    user = user.sudo()
    return user.lang or user.partner_id.lang or env.lang or "en_US"


def reader_env(env, user, cache=None):
    """``env`` in ``user``'s language; ``cache`` (a dict) reuses one per
    language across a batch."""
    lang = reader_lang(env, user) if user else (env.lang or "en_US")
    if cache is None:
        return env(context=dict(env.context, lang=lang))
    if lang not in cache:
        cache[lang] = env(context=dict(env.context, lang=lang))
    return cache[lang]


def by_language(env, users):
    """``users`` grouped by language: ``[(lang_env, users)]``."""
    groups = {}
    for user in users.sudo():
        groups.setdefault(reader_lang(env, user), env["res.users"])
        groups[reader_lang(env, user)] |= user
    return [(env(context=dict(env.context, lang=lang)), members) for lang, members in groups.items()]


def notify(env, users, subject, body, **kwargs):
    """One inbox notice per language of ``users`` (by OdooBot unless an
    ``author_id`` is given); ``subject`` and ``body`` render the texts."""
    kwargs.setdefault("author_id", env.ref("base.partner_root").id)
    for lang_env, members in by_language(env, users):
        lang_env["mail.thread"].sudo().message_notify(
            partner_ids=members.partner_id.ids, subject=subject(lang_env), body=body(lang_env), **kwargs)
