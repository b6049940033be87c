"""Each function's stage built with its clients from its settings: one module per function.

A handler imports only its own module, so a function imports (and its layers ship) only what
its stage needs: NotifyFunction and AssetsFunction never load Jinja2, Markdown or Pygments.
`clients` is the one place that creates boto3 clients.
"""
