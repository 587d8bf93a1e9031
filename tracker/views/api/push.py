"""Web Push for the installed app (issue 15): the server's public key, and a browser's subscription.

`GET /push/key` gives `{"public_key"}` for `pushManager.subscribe`; `POST /push/subscriptions` stores
the browser's `PushSubscription.toJSON()` (201, or 200 for an endpoint the user has already, with its
keys updated); `DELETE /push/subscriptions` with `{"endpoint"}` forgets it (204, also when it was gone).
Bad input is a 400 `{"error", "field"}`; an endpoint that is not a browser's push service names `endpoint`.
"""

from __future__ import annotations

from flask import g, jsonify, request

from tracker import push
from tracker.clock import now
from tracker.forms import ENDPOINT_MAX, device_label, parse_subscription
from tracker.views.api.base import bp, error, json_body


@bp.get("/push/key")
def push_key():
    """The VAPID public key (base64url of the uncompressed P-256 point)."""
    return jsonify(public_key=push.public_key())


@bp.post("/push/subscriptions")
def push_subscribe():
    """Turn notifications on for the browser that sends its subscription."""
    values = parse_subscription(json_body(), push.allowed_hosts())
    push.check_endpoint(values.endpoint)
    label = device_label(request.headers.get("User-Agent"))
    device, created = push.subscribe(g.user, values, label, now())
    return jsonify(push.device_json(device)), 201 if created else 200


@bp.delete("/push/subscriptions")
def push_unsubscribe():
    """Turn notifications off for a browser, by its endpoint."""
    endpoint = json_body().get("endpoint")
    if not isinstance(endpoint, str) or not 0 < len(endpoint) <= ENDPOINT_MAX:
        return error("Send the subscription's endpoint, a URL.", 400, "endpoint")
    if "\x00" not in endpoint:  # no stored endpoint has one (and PostgreSQL can't compare text with it)
        push.unsubscribe(g.user, endpoint)
    return "", 204
