"""``exgen generate``: draft a full exercise definition from a short brief and an inject library.

Upstream of the pipeline: the draft is definition files, never a package, and it passes through
the same validation as a hand-written definition before it is moved into place.

One module, one idea: :mod:`library` (the inject library as data), :mod:`brief` (the brief and
its checks), :mod:`forces` (what the order of battle says about recipients), :mod:`place`
(days and times in the battle rhythm), :mod:`comms_plan` (constraints that exercise each PACE
plan), :mod:`select` (which pattern goes to whom on which day), :mod:`cast` (EXCON: cells, role
players, controllers, evaluators), :mod:`compose` (slots to injects), :mod:`verify` (in-memory
check and repair, final check), :mod:`write` (stable YAML, atomic move), :mod:`coverage` (the
report), :mod:`draft` (the whole run) and :mod:`command` (the click command).
"""
