"""The commands of the ``kg`` command line, registered on the Typer app by kg/cli.py.

``build`` (kg/commands/build.py) builds into files or, with ``--store``, into a store;
``query``, ``export`` and ``remove`` (kg/commands/data.py) read and change a store; ``load``
(kg/commands/load.py) pushes it to a SPARQL server. What they share, the exit codes among it,
is in kg/commands/common.py.
"""
