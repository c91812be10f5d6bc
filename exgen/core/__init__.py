"""What every stage shares, and nothing else.

In: nothing of exgen's. Out: diagnostics and source positions (``diagnostics``, ``sources``),
JSON pointers (``pointer``), "did you mean" hints (``suggest``), per-entity seeds (``seeding``),
atomic directory staging (``staging``), child processes that die with exgen and the
leftovers of dead ones (``processes``), files read only from inside a user's directory
(``contained``), whether an output directory may be written without
destroying an input (``paths``), bundled resources (``resources``), the threat
catalogues (``catalogues``), symbol-code tables (``sidc``) and the limits of the clients
outputs are made for, which the checks keep definitions within (``limits``).

Never imports: any stage (load, check, model, comms, enrich, render, package, generate, cli).
"""
