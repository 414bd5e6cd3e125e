"""The article body's allow-list: what a pasted or hostile body keeps, and its plain text."""

import uuid

import pytest

from lifelong.common import richtext

KEY = uuid.UUID("0b9c6f1e-4a57-4d1e-9d1a-6a2f3c4b5d6e")
OWN_IMAGE = f"/news/images/{KEY}/"


@pytest.mark.parametrize(
    ("dirty", "cleaned"),
    [
        ("<p>活动周<script>alert(1)</script>开幕</p>", "<p>活动周开幕</p>"),
        ('<p onclick="alert(1)" style="color:red">点我</p>', "<p>点我</p>"),
        ('<img src="x" onerror="alert(1)">', "<img>"),
        ('<a href="javascript:alert(1)">链接</a>', '<a rel="noopener noreferrer nofollow">链接</a>'),
        ('<a href="JaVaScRiPt:alert(1)">链接</a>', '<a rel="noopener noreferrer nofollow">链接</a>'),
        ('<a href="jav&#x09;ascript:alert(1)">链接</a>', '<a rel="noopener noreferrer nofollow">链接</a>'),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">链接</a>', '<a rel="noopener noreferrer nofollow">链接</a>'),
        ("<svg onload=alert(1)><circle/></svg><p>正文</p>", "<p>正文</p>"),
        ("<svg><script>alert(1)</script></svg><p>正文</p>", "<p>正文</p>"),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
        ('<iframe src="https://evil.example/"></iframe><p>正文</p>', "<p>正文</p>"),
        ("<style>body{display:none}</style><p>正文</p>", "<p>正文</p>"),
        ("<object data='x.swf'></object><embed src='x.swf'><p>正文</p>", "<p>正文</p>"),
        ("<!-- 备注 --><p>正文</p>", "<p>正文</p>"),
        ('<form action="/x"><input name="a"><button>提交</button></form>', "提交"),
    ],
)
def test_hostile_markup_is_removed(dirty, cleaned):
    assert richtext.clean(dirty) == cleaned


def test_links_keep_web_mail_and_phone_addresses_and_open_safely():
    body = '<a href="https://www.haiyan.gov.cn/" target="_blank">县政府</a> <a href="mailto:sq@hy.cn">信箱</a>'
    body += ' <a href="tel:0573-86012345">电话</a>'
    assert richtext.clean(body) == (
        '<a href="https://www.haiyan.gov.cn/" rel="noopener noreferrer nofollow">县政府</a> '
        '<a href="mailto:sq@hy.cn" rel="noopener noreferrer nofollow">信箱</a> '
        '<a href="tel:0573-86012345" rel="noopener noreferrer nofollow">电话</a>'
    )


@pytest.mark.parametrize(
    "src",
    [
        "https://tracker.example/pixel.gif",
        "//tracker.example/news/images/x/",
        f"https://tracker.example{OWN_IMAGE}",
        "/news/images/../../accounts/logout/",
        f"{OWN_IMAGE}?u=13900000005",
        f"{OWN_IMAGE}../../me/",
        "/resources/1/file",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_pictures_from_anywhere_but_the_sites_own_article_images_lose_their_address(src):
    assert richtext.clean(f'<img src="{src}" alt="图">') == '<img alt="图">'


def test_the_sites_own_article_image_is_kept_with_its_size():
    body = (
        f'<figure><img src="{OWN_IMAGE}" alt="开幕式" width="640" height="100%"><figcaption>开幕</figcaption></figure>'
    )
    assert richtext.clean(body) == (
        f'<figure><img src="{OWN_IMAGE}" alt="开幕式" width="640"><figcaption>开幕</figcaption></figure>'
    )


def test_structure_survives():
    body = (
        "<h2>活动安排</h2><ul><li>开幕式</li><li>读书会</li></ul><blockquote>学无止境</blockquote>"
        '<table><thead><tr><th colspan="2">场次</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>'
    )
    assert richtext.clean(body) == body


def test_plain_text_is_one_block_per_line_with_entities_decoded_and_no_script():
    body = "<h2>标题</h2><p>盐&amp;海   两地</p><ul><li>一</li><li>二</li></ul><p><br></p><script>x()</script>甲<br>乙"
    assert richtext.plain_text(body) == "标题\n盐&海 两地\n一\n二\n甲\n乙"


def test_plain_text_of_only_tags_is_empty():
    assert richtext.plain_text("<p><br></p><div> </div><img>") == ""
    assert richtext.clean("") == "" and richtext.plain_text("") == ""
