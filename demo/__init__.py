"""Demo-only code: the pages, registry, accounts and files of СНТ «Аникино» for `manage.py load_demo`.

Nothing in the product apps (home, billing, members, cms) imports this package.
"""
