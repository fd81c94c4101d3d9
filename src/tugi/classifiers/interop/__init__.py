"""Standard formats for consuming systems: SDMX-ML 2.1 codelists (``/sdmx/``) and HL7 FHIR R4
CodeSystem with ``$lookup`` and ``$validate-code`` (``/fhir/``)."""
