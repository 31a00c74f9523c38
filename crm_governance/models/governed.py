"""The governed models, listed once: leads/opportunities and customer
accounts belong to sections (SEC-1), are registered (ENTRY-2), protected and
pooled (PROT-2 … PROT-5) and have their ownership ledger (PROT-7). Every
other list of them (loops, selections, the ledger's columns) is built from
this one."""

GOVERNED_MODELS = ("crm.lead", "res.partner")
# the column of the module's rows (ledger, follow-ups, …) that points to a record of each model
RECORD_FIELD = {"crm.lead": "lead_id", "res.partner": "partner_id"}
# selections of the model of one record, and of several
RECORD_MODELS = [("crm.lead", "Lead/Opportunity"), ("res.partner", "Customer")]
RECORDS_MODELS = [("crm.lead", "Leads/Opportunities"), ("res.partner", "Customers")]
assert tuple(RECORD_FIELD) == tuple(dict(RECORD_MODELS)) == tuple(dict(RECORDS_MODELS)) == GOVERNED_MODELS
