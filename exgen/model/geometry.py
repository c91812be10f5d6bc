"""Geometry on a spherical Earth: points, circular areas and great-circle distance."""

from __future__ import annotations

import math
from dataclasses import dataclass

_EARTH_KM = 6371.0088  #: mean Earth radius
_KM_PER_DEGREE = _EARTH_KM * math.pi / 180


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Area:
    lat: float
    lon: float
    radius_km: float

    def covers(self, point: Point | None) -> bool:
        """True when ``point`` lies inside the circle (an unknown position counts as inside)."""
        if point is None:
            return True
        # Between latitudes -90 and 90 the great-circle distance is never shorter than the
        # north-south one: a point further north or south than the radius is outside (the margin
        # is far above the rounding of either sum).
        if (-90.0 <= point.lat <= 90.0 and -90.0 <= self.lat <= 90.0
                and abs(point.lat - self.lat) > self.radius_km / _KM_PER_DEGREE * 1.000001 + 1e-6):
            return False
        return distance_km(self.lat, self.lon, point.lat, point.lon) <= self.radius_km


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))
