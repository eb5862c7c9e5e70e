"""The only slugs the code knows, in one place.

The instruction's menu has three ContentPages (Устав, Финансы, Помощь) that only their slug tells
apart, and the consent text is found by slug only on a site whose settings do not name it
(`SiteSettings.consent_page`). A renamed page is one edit here.
"""

CHARTER = frozenset({"ustav", "устав", "charter"})
FINANCE = frozenset({"finansy", "финансы", "finance"})
HELP = frozenset({"pomoshch", "pomosch", "помощь", "help"})
CONSENT = "soglasie"
