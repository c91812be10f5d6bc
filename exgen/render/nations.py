"""Nations and organisations as documents print them."""

from __future__ import annotations


def nation_name(code: str) -> str:
    """Short English name of an ISO 3166-1 alpha-2 code (Kosovo for XK)."""
    if code == "XK":
        return "Kosovo"
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
    except (ImportError, LookupError, KeyError):
        return code
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)
