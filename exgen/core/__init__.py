"""What every stage shares, and nothing else.

In: nothing of exgen's. Out: diagnostics and source positions (``diagnostics``, ``sources``),
JSON pointers (``pointer``), "did you mean" hints (``suggest``), per-entity seeds (``seeding``),
atomic directory staging (``staging``), bundled resources (``resources``), the threat
catalogues (``catalogues``) and symbol-code tables (``sidc``).

Never imports: any stage (load, check, model, comms, enrich, render, package, generate, cli).
"""
