"""Reading an upload: a post's or a profile's front matter, its dates, its body's dialect (Hugo
shortcodes, Jekyll Liquid), its Markdown, and the judgement that turns its bytes into a Post or
a Rejection with reasons.

Nothing is imported here: a function that never reads a post (AggregateFunction) never loads
YAML or Markdown.
"""
