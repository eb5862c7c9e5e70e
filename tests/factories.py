"""factory-boy factories for the billing and member models; tests build only the rows they need."""

import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from billing.models import Article, Charge, FeeRate, ImportBatch, Meter, Payment, Plot, Reading, Tariff
from members.models import PlotClaim, Profile, User

PASSWORD = "Sad-2024x"


class PlotFactory(DjangoModelFactory):
    class Meta:
        model = Plot
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: 1000 + n)
    street = "5"
    area = Decimal("7.20")
    electrified = True
    has_new_meter = True
    active = True


class MeterFactory(DjangoModelFactory):
    class Meta:
        model = Meter

    plot = factory.SubFactory(PlotFactory)
    kind = Meter.Kind.TWO_ZONE
    serial = factory.Sequence(lambda n: f"SN{n:06d}")
    installed_on = None
    removed_on = None


class ImportBatchFactory(DjangoModelFactory):
    class Meta:
        model = ImportBatch

    kind = ImportBatch.Kind.READINGS
    file_name = factory.Sequence(lambda n: f"file-{n}.csv")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    as_of = None


class ReadingFactory(DjangoModelFactory):
    class Meta:
        model = Reading

    meter = factory.SubFactory(MeterFactory)
    taken_on = factory.Sequence(lambda n: datetime.date(2000 + n // 12, n % 12 + 1, 1))
    day = 0
    night = 0
    batch = None


class TariffFactory(DjangoModelFactory):
    class Meta:
        model = Tariff
        django_get_or_create = ("valid_from",)

    valid_from = datetime.date(2022, 1, 1)
    single_rate = Decimal("5.93")
    day_rate = Decimal("6.82")
    night_rate = Decimal("2.65")


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Статья {n}")
    kind = Article.Kind.OTHER
    year = None
    sort_order = 0


class FeeRateFactory(DjangoModelFactory):
    class Meta:
        model = FeeRate

    article = factory.SubFactory(
        ArticleFactory,
        name=factory.Sequence(lambda n: f"Членские взносы {n}"),
        kind=Article.Kind.MEMBERSHIP,
        year=2022,
    )
    basis = FeeRate.Basis.PER_SOTKA
    rate = Decimal("1000.00")
    accrue_on = datetime.date(2022, 1, 1)


class ChargeFactory(DjangoModelFactory):
    class Meta:
        model = Charge

    plot = factory.SubFactory(PlotFactory)
    article = factory.SubFactory(ArticleFactory)
    amount = Decimal("7200.00")
    accrued_on = datetime.date(2022, 1, 1)
    batch = None


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    plot = factory.SubFactory(PlotFactory)
    article = factory.SubFactory(ArticleFactory)
    paid_on = datetime.date(2022, 4, 1)
    amount = Decimal("1000.00")
    document = ""
    batch = None


class EmailAddressFactory(DjangoModelFactory):
    class Meta:
        model = EmailAddress

    user = None
    email = factory.LazyAttribute(lambda address: address.user.email)
    verified = True
    primary = True


class UserFactory(DjangoModelFactory):
    """An account as allauth leaves it after signup: a usable password and, when the account has an
    email, its primary EmailAddress, verified unless `verified=False`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        verified = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)
    email_address = factory.Maybe(
        "email",
        factory.RelatedFactory(EmailAddressFactory, "user", verified=factory.SelfAttribute("..verified")),
    )

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """UserFactory(groups=["Казначей"]): the named groups, which the migrations create."""
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=name) for name in extracted))


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    owner_name = ""
    contact_persons = ""
    phone = ""
    sms_consent = False


class PlotClaimFactory(DjangoModelFactory):
    class Meta:
        model = PlotClaim

    user = factory.SubFactory(UserFactory)
    plot = factory.SubFactory(PlotFactory)
    status = PlotClaim.Status.PENDING
