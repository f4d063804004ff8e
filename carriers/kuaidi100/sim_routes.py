"""The simulator's Kuaidi100 route: the real-time query, answered from ``fixtures/carriers/kuaidi100``.

Kuaidi100 authenticates by the ``sign`` inside the form, not by a header, so the route takes any caller
(``auth="none"``); the unknown-number answer is Kuaidi100's documented refusal. The number sits inside the
``param`` JSON (``{"com": …, "num": …}``): the route reads it at ``/num`` (``form-json:param:/num``).
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec

KUAIDI100_QUERY = RouteSpec(
    carrier="kuaidi100",
    method="POST",
    path="/poll/query.do",
    auth="none",
    number_from="form-json:param:/num",
    not_found_status=200,
    not_found_body='{"result":false,"returnCode":"500","message":"查询无结果，请隔段时间再查"}',
    unauthorized_body='{"result":false,"returnCode":"503","message":"验证签名失败"}',
)

SIMULATOR_ROUTES = (KUAIDI100_QUERY,)
