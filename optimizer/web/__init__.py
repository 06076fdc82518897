"""`mealplan serve`: a dietitian's workbench in the browser, a thin layer over the library.

Needs the `web` extra (`pip install -e '.[web]'`): Starlette, uvicorn and Jinja2.
"""
