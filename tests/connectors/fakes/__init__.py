"""Local fakes of the CRM and survey-tool APIs, built from the vendors' public references.

Each fake is a small Starlette app with in-memory state, served by uvicorn on a loopback
port in a background thread, so the real connector code talks real HTTP to it.
"""
