"""CRM connectors (HubSpot, Salesforce, Zoho) and survey-tool webhooks.

Connectors are registered by stable name, exactly as third parties register theirs
(entry-point group ``crmsense.connectors``); the short CRM name maps to the current one.
"""

from __future__ import annotations

__all__ = ["CONNECTORS", "CRMS"]

from crmsense.connectors.base import Connector
from crmsense.registry import Registry

CONNECTORS: Registry[type[Connector]] = Registry("connectors")
CONNECTORS.register("hubspot.v1", "crmsense.connectors.hubspot:HubSpotConnector")
CONNECTORS.register("salesforce.v1", "crmsense.connectors.salesforce:SalesforceConnector")
CONNECTORS.register("zoho.v1", "crmsense.connectors.zoho:ZohoConnector")

#: ``crmsense sync <crm>`` names → registered connector names.
CRMS = {"hubspot": "hubspot.v1", "salesforce": "salesforce.v1", "zoho": "zoho.v1"}
