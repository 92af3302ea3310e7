#!/usr/bin/env python3
"""Generates Sources/App/Resources/Security/common-passwords.txt (issue #5, ASVS 6.2.4).

No download is possible where lvyue is built, so the list is made here from the passwords that top every
published breach-corpus ranking, plus the patterns people derive from them (word + year, word + digits,
keyboard walks, repeated digits, Chinese pinyin favourites such as woaini / 5201314). Only entries of 8 or more
characters matter (shorter ones are refused by the length rule already). Deterministic: same output every run.
"""
import itertools, os, sys

TOP = """123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123 football
monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael 654321 superman 1qaz2wsx 7777777
121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh hunter buster soccer harley batman andrew
tigger sunshine iloveyou 2000 charlie robert thomas hockey ranger daniel starwars klaster 112233 george computer michelle
jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess joshua cheese
amanda summer love ashley nicole chelsea biteme matthew access yankees 987654321 dallas austin thunder taylor matrix
mobilemail mom monitor monitoring montana moon moscow passw0rd p@ssw0rd p@ssword password1 password12 password123
password1234 passwort welcome welcome1 welcome123 admin admin123 admin1234 administrator root toor changeme changeme123
default guest login login123 letmein1 qwerty123 qwerty1 qwertyui asdfghjkl asdf1234 zaq12wsx 1q2w3e4r 1q2w3e4r5t
1q2w3e4r5t6y q1w2e3r4 q1w2e3r4t5 abcd1234 abcdefg abcdefgh abc12345 aa123456 a123456 a1234567 a12345678 qq123456
iloveyou1 sunshine1 princess1 football1 baseball1 superman1 dragon1 master1 monkey1 shadow1 trustno11 whatever
secret secret123 starwars1 pokemon naruto samsung google internet system server database oracle mysql postgres
test test123 test1234 testtest tester demo demo123 user user123 service support helpdesk office office123 company
woaini woaini1314 woaini520 5201314 1314520 wodemima mima123 zhangwei wangwei liuyang wangfang lixiang zhongguo
beijing shanghai guangzhou shenzhen huawei xiaomi tencent alibaba baidu qq123456789 aini1314 iloveyou520 88888888
66666666 168168 518518 147258369 123654789 741852963 159357 147258 258369 0123456789 9876543210 1234qwer qwer1234
asdfqwer zxcvasdf 1qazxsw2 2wsx3edc 3edc4rfv !qaz2wsx 1qaz@wsx qwe123 qwe123456 123qweasd qweasdzxc asdzxc zxc123
football baseball basketball soccer1 hockey1 golf tennis jordan23 lakers yankees1 cowboys steelers eagles
liverpool arsenal chelsea1 manchester barcelona realmadrid juventus""".split()

WORDS = """password pass admin root user test guest demo welcome login letmein master dragon monkey shadow
sunshine princess football baseball superman batman qwerty iloveyou love secret hello freedom whatever
trustno computer internet server system office company contract service support manager finance project
lvyuan lvxing hetong woaini zhongguo china beijing shanghai summer winter spring autumn monday friday
michael jessica charlie thomas daniel andrew joshua matthew jordan hunter ranger buster tigger ginger
pepper maggie cheese chocolate cookie banana orange apple flower angel baby sweet honey lucky happy
star moon sun sky ocean river tiger lion eagle wolf bear dog cat horse""".split()

SUFFIXES = ["1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!", "01", "007", "2000", "99", "88", "666", "888",
            "520", "1314", "@123", "#1", "_123", "."]
YEARS = [str(y) for y in range(1970, 2031)]
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc", "qazwsxedc", "qweasdzxc", "1q2w3e4r5t6y7u8i",
            "zaq1xsw2cde3", "!qaz@wsx#edc", "poiuytrewq", "lkjhgfdsa", "mnbvcxz", "1234qwerasdf", "qwer1234asdf",
            "asdf;lkj", "zaq!2wsx", "qwertyu", "asdfghj", "1qazxsw23edc"]

def main(out):
    found = set()
    def add(p):
        p = p.strip().lower()
        if 8 <= len(p) <= 128:
            found.add(p)
    for p in TOP: add(p)
    for k in KEYBOARD: add(k)
    for d in "0123456789":
        for n in range(8, 13): add(d * n)
    for start in range(0, 10):
        for n in range(8, 11):
            add("".join(str((start + i) % 10) for i in range(n)))
            add("".join(str((start - i) % 10) for i in range(n)))
    for a, b in itertools.product("0123456789", repeat=2):
        if a != b:
            add((a + b) * 4)
    for w in WORDS + TOP:
        if not w.isalpha():
            continue
        for variant in {w, w.capitalize(), w.upper()}:
            add(variant)
            for s in SUFFIXES: add(variant + s)
            for y in YEARS[-40:]: add(variant + y)
            add(variant + variant)
    leet = str.maketrans({"a": "@", "o": "0", "e": "3", "i": "1", "s": "$"})
    for w in WORDS:
        for s in ["", "1", "123", "!"]:
            add(w.translate(leet) + s)
    for y in YEARS:
        for m in range(1, 13):
            add(f"{y}{m:02d}01")   # birthday-shaped: YYYYMM01
    lines = sorted(found)
    with open(out, "w") as f:
        f.write("# Common passwords refused by lvyue (scripts/make-common-passwords.py). One per line, lower case.\n")
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines)} entries -> {out}", file=sys.stderr)

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    main(os.path.join(here, "..", "Sources", "App", "Resources", "Security", "common-passwords.txt"))
