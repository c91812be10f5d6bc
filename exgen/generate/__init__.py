"""``exgen generate``: draft a full exercise definition from a short brief and an inject library.

Upstream of the pipeline. In: a brief (read and located like a definition) and the inject
library (built-in plus instructor directories). Out: definition files, never a package; the
draft passes through the same checks as a hand-written definition (the semantic stage in
memory, then ``validate --strict`` on the written files) before it is moved into place with
core's atomic staging.

One module, one idea: :mod:`library` (the inject library as data), :mod:`brief` (the brief and
its checks), :mod:`forces` (what the order of battle says about recipients), :mod:`place`
(days and times in the battle rhythm), :mod:`comms_plan` (constraints that exercise each PACE
plan), :mod:`select` (which pattern goes to whom on which day), :mod:`hierarchy` (phases, main
events and incidents, and each inject's place in them), :mod:`cast` (EXCON: cells, role players,
controllers, evaluators), :mod:`compose` (slots to injects), :mod:`verify` (in-memory
check and repair, final check), :mod:`write` (stable YAML, atomic move), :mod:`coverage` (the
report) and :mod:`draft` (the whole run). The click command lives in :mod:`exgen.cli.generate`.

Never imports: render, package, cli (nor the pipeline, which reaches them).
"""
