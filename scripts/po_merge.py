"""Merge a freshly exported .pot into .po files (msgmerge without gettext):
keep existing translations, add new msgids untranslated, drop stale ones,
and report what is still untranslated (non-zero exit if anything is)."""
import sys

import polib


def merge(pot_path, po_path):
    pot = polib.pofile(pot_path)
    po = polib.pofile(po_path)
    known = {(e.msgctxt, e.msgid): e.msgstr for e in po}
    # Odoo's export has no msgctxt; match on msgid alone as well
    by_id = {e.msgid: e.msgstr for e in po if e.msgstr}
    merged = polib.POFile(wrapwidth=0)
    merged.metadata = po.metadata or pot.metadata
    missing = []
    for entry in pot:
        msgstr = known.get((entry.msgctxt, entry.msgid)) or by_id.get(entry.msgid, "")
        merged.append(polib.POEntry(msgid=entry.msgid, msgstr=msgstr, occurrences=entry.occurrences,
                                    comment=entry.comment, tcomment=entry.tcomment, flags=entry.flags,
                                    msgctxt=entry.msgctxt))
        if not msgstr:
            missing.append(entry.msgid)
    merged.save(po_path)
    return missing


if __name__ == "__main__":
    pot_path, *po_paths = sys.argv[1:]
    bad = 0
    for po_path in po_paths:
        missing = merge(pot_path, po_path)
        for msgid in missing:
            print(f"{po_path}: untranslated: {msgid!r}")
        bad += len(missing)
    sys.exit(1 if bad else 0)
