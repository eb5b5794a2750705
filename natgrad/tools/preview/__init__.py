"""The live previews: the gallery of the figures, and the blog's post with them live.

In parts whose names say what they hold:

- :mod:`.model`: what each figure shows and which a save redraws (the gallery's
  state, and the figures of the post preview);
- :mod:`.worker`: the warm fork server and the worker that draws figure jobs;
- :mod:`.watch`: the one loop that turns saves into updates (folders watched);
- :mod:`.errors`: any exception a save causes, as one line naming its file;
- :mod:`.post`: the post preview's model (Jekyll's site, the checks' verdicts);
- :mod:`.claims`: where the built post states each claim;
- :mod:`.server`: the loopback servers and their handlers;
- :mod:`.pages`: the pages, script and style (templates in ``natgrad/tools/preview/templates/``);
- :mod:`.cli`: ``python -m natgrad.preview``.

Nothing is imported here: the worker imports :mod:`.worker` afresh from disk
for every new process, and needs none of the rest.
"""
