"""The site: the top layer, which may use every other app and which none imports. It holds what
puts the apps together: the console's URL map and index, the home page and other site-wide
pages, the context every template gets, and the demo county's loader (`manage.py demo_load`)."""
