"""The demo county's facts (`haiyan`): towns, villages, personas, the demo password. Every
app's demo loader reads them, so they live in the kernel and import nothing; the loader that
builds the county from them is the site's (`lifelong.site.demo`)."""
