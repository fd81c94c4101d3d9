"""Every write of the access area, one module per topic: import the module you need, e.g.
``from tugi.access.services import requests as request_services``.

catalogue (systems, rights, catalogue import) · profiles (profiles and their versions) ·
people (organisation units, accounts, HR import: joiner / mover / leaver) · assignments ·
requests (access requests and staged approval) · sod (policies, exceptions, violations, scan) ·
campaigns (recertification) · problems (access problems).
"""
