"""Local fakes of third-party APIs that are not CRMs (served like ``connectors.fakes``)."""
