"""An aggregator's code for the courier of a tracking number, derived from the number's format.

Kuaidi100 wants its company code and AfterShip its slug besides the number. When the shipment stores
none, the number's format often names the courier (``trace_verify.domain.numbers.identify``): SF
Express, YTO, a China Post S10 item… Only a single courier, by its check digit when it has one, is
taken; an ambiguous or unknown number gives None and the code must be stored with the shipment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from trace_verify.domain.numbers import identify
from trace_verify.refdata import no_carriers


def courier_of(
    number: str, codes: Mapping[str, str], s10_code: Callable[[str | None], str | None]
) -> str | None:
    """The aggregator's code for the one courier whose format ``number`` fits, else None.

    ``codes`` maps tracking_number_data courier codes to the aggregator's codes; ``s10_code`` gives the
    code for a UPU S10 item from its issuing country.
    """
    candidates = identify(number, carriers=no_carriers()).candidates
    checked = [c for c in candidates if c.check_digit] or candidates
    found = {s10_code(c.origin_country) if c.courier == "s10" else codes.get(c.courier) for c in checked}
    found.discard(None)
    return found.pop() if len(found) == 1 else None
