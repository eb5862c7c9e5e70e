"""What the phone tests share: the member's phone and reading the code the fake SMS.ru received."""

import datetime
import re

from members.models import PhoneVerification

PHONE = "89031221105"


def last_code(fake, phone=PHONE) -> str:
    number, text = fake.sent_texts[-1]
    assert number == "7" + phone[1:]
    return re.search(r"\d{6}$", text).group(0)


def wrong_for(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def backdate(**delta):
    """Move every code back in time, as if `delta` had passed."""
    for row in PhoneVerification.objects.all():
        row.created_at -= datetime.timedelta(**delta)
        row.expires_at -= datetime.timedelta(**delta)
        row.save()
