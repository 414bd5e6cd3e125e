# English pages use the same date and number formats as Chinese ones (DESIGN §5).
from config.formats.zh_Hans.formats import *  # noqa: F403
