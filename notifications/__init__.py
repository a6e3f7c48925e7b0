"""Messages to citizens and families, shared by admissions and e-services.

Both apps import this package; neither imports the other (docs/adr/0009).
``channels`` holds the e-mail sender and the SMS provider registry.
"""
