"""The demo company's data (demo/demo_companies.py), read by
models/crm_governance_demo.py when demo data is loaded."""
