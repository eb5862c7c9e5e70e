import pytest

from members.sms.gateways import (
    ConsoleGateway,
    GatewayError,
    OutgoingSms,
    SmsRuGateway,
    get_gateway,
    international,
    mask_phone,
)
from members.sms.segments import sms_segments

SEED_TEXT = "СНТ Аникино: T1 520, T2 217. К оплате 4121.45. Оплатить до 5 числа."


def test_backend_setting_is_read_at_call_time(settings):
    settings.SMS_BACKEND = "console"
    assert isinstance(get_gateway(), ConsoleGateway)
    settings.SMS_BACKEND = "smsru"
    assert isinstance(get_gateway(), SmsRuGateway)
    settings.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(GatewayError, match="SMS_BACKEND"):
        get_gateway()


def test_console_gateway_logs_masked_phone(caplog):
    caplog.set_level("INFO", logger="members.sms")
    [result] = ConsoleGateway().send([OutgoingSms(key=1, phone="89031221105", text=SEED_TEXT)])
    assert result.outcome == "sent"
    assert result.gateway_id.startswith("console-")
    assert SEED_TEXT in caplog.text
    assert "89031221105" not in caplog.text


def test_smsru_sends_per_number_texts_in_one_request(fake_smsru):
    messages = [
        OutgoingSms(key=1, phone="89031221105", text=SEED_TEXT),
        OutgoingSms(key=2, phone="89991234567", text="другой текст"),
    ]
    results = SmsRuGateway().send(messages)
    assert [r.outcome for r in results] == ["sent", "sent"]
    assert all(r.gateway_id for r in results)
    [request] = fake_smsru.send_requests
    assert request["api_id"] == "test-api-id"
    assert request["json"] == "1"
    assert request["to[79031221105]"] == SEED_TEXT
    assert request["to[79991234567]"] == "другой текст"
    assert "test" not in request


def test_smsru_test_flag(fake_smsru, settings):
    settings.SMSRU_TEST = True
    SmsRuGateway().send([OutgoingSms(key=1, phone="89031221105", text="x")])
    assert fake_smsru.send_requests[0]["test"] == "1"


def test_smsru_refuses_more_than_a_batch(fake_smsru):
    messages = [OutgoingSms(key=i, phone=f"8999{i:07d}", text="x") for i in range(101)]
    with pytest.raises(ValueError):
        SmsRuGateway().send(messages)
    assert fake_smsru.send_requests == []


def test_smsru_per_number_permanent_and_transient_errors(fake_smsru):
    fake_smsru.number_codes = {"79990000001": 202, "79990000002": 220}
    results = SmsRuGateway().send(
        [
            OutgoingSms(key=1, phone="89990000001", text="x"),
            OutgoingSms(key=2, phone="89990000002", text="x"),
            OutgoingSms(key=3, phone="89990000003", text="x"),
        ]
    )
    by_key = {r.key: r for r in results}
    assert by_key[1].outcome == "failed"
    assert by_key[1].code == 202
    assert by_key[1].error == "неправильный номер телефона"
    assert by_key[2].outcome == "retry"
    assert by_key[3].outcome == "sent"


@pytest.mark.parametrize(("step", "transient"), [("http500", True), (220, True), (500, True), (201, False)])
def test_smsru_whole_request_errors(fake_smsru, step, transient):
    fake_smsru.script = [step]
    with pytest.raises(GatewayError) as info:
        SmsRuGateway().send([OutgoingSms(key=1, phone="89031221105", text="x")])
    assert info.value.transient is transient
    assert info.value.maybe_sent is False
    assert fake_smsru.accepted == {}


def test_smsru_wrong_api_id_is_permanent(fake_smsru, settings):
    settings.SMSRU_API_ID = "wrong"
    with pytest.raises(GatewayError, match="ключ") as info:
        SmsRuGateway().send([OutgoingSms(key=1, phone="89031221105", text="x")])
    assert info.value.transient is False


def test_smsru_missing_api_id_is_refused_before_any_request(fake_smsru, settings):
    settings.SMSRU_API_ID = ""
    with pytest.raises(GatewayError, match="SMSRU_API_ID"):
        SmsRuGateway().send([OutgoingSms(key=1, phone="89031221105", text="x")])
    assert fake_smsru.send_requests == []


def test_smsru_timeout_after_request_went_out_is_maybe_sent(fake_smsru, settings):
    settings.SMSRU_TIMEOUT = 0.3
    fake_smsru.hang = 1.0
    fake_smsru.script = ["hang"]
    with pytest.raises(GatewayError) as info:
        SmsRuGateway().send([OutgoingSms(key=1, phone="89031221105", text="x")])
    assert info.value.transient is True
    assert info.value.maybe_sent is True
    assert len(fake_smsru.accepted) == 1  # the gateway did take it


def test_smsru_connection_refused_is_transient(settings):
    settings.SMS_BACKEND = "smsru"
    settings.SMSRU_API_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.SMSRU_API_ID = "x"
    with pytest.raises(GatewayError) as info:
        SmsRuGateway().send([OutgoingSms(key=1, phone="89031221105", text="x")])
    assert info.value.transient is True
    assert info.value.maybe_sent is False


def test_smsru_status_polls_delivery(fake_smsru):
    [sent] = SmsRuGateway().send([OutgoingSms(key=1, phone="89031221105", text="x")])
    statuses = SmsRuGateway().status([sent.gateway_id, "000000-999"])
    assert [s.outcome for s in statuses] == ["delivered", "unknown"]
    assert fake_smsru.status_requests[0]["sms_id"] == f"{sent.gateway_id},000000-999"


def test_phone_helpers():
    assert international("89031221105") == "79031221105"
    assert mask_phone("89031221105") == "89*******05"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (SEED_TEXT, 1),
        ("а" * 70, 1),
        ("а" * 71, 2),
        ("а" * 134, 2),
        ("а" * 135, 3),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("{" * 80, 1),
        ("{" * 81, 2),
    ],
)
def test_segments(text, parts):
    assert sms_segments(text) == parts


def test_seed_message_fits_one_cyrillic_segment():
    assert len(SEED_TEXT) <= 70
