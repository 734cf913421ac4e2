"""The example school's people: its staff, its grades and classes, its students (fictitious).

The students' names stay in the roster (`students.csv`); the ledger carries only their ids.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass

from xiaozhang.example.config import ExampleConfig

SCHOOL = {
    "name": "青禾市明德区实验小学",
    "principal": "王建国",
    "director": "李明华",
    "accountant": "陈静",
    "cashier": "赵敏",
    "canteen_keeper": "黄海燕",
    "hotline": "0736-7215318",
    "func": "2050202",
    "func_name": "小学教育",
}
PRINCIPAL = SCHOOL["principal"]
DIRECTOR = SCHOOL["director"]
ACCOUNTANT = SCHOOL["accountant"]
CASHIER = SCHOOL["cashier"]
KEEPER = SCHOOL["canteen_keeper"]
TEACHERS = ("周丽娟", "刘芳", "张伟", "孙强", "吴晓燕", "郑凯", "马丽", "胡斌")

GRADES = ("一", "二", "三", "四", "五", "六")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "子涵欣怡梓轩浩然雨桐一诺宇轩思彤俊杰若曦佳怡博文诗涵明轩紫萱晨阳语嫣嘉懿可馨梓萌天佑沐阳锦程"
    "书瑶婉清泽宇文博昊然乐瑶安琪雅琴志远振华睿泽心怡星辰家豪芷若昕妍皓轩宏宇沛然静怡思远子墨亦菲"
)


def person(who: str) -> str:
    """The name of a role of `SCHOOL` (e.g. "director"), or `who` itself (a name)."""
    return SCHOOL.get(who, who)


@dataclass
class Student:
    sid: str
    name: str
    entry_year: int  # school year in which the student entered grade 1
    klass: int  # class number within the grade
    boarder: bool

    def grade(self, school_year: int) -> int:
        return school_year - self.entry_year + 1

    def class_name(self, school_year: int) -> str:
        return f"{GRADES[self.grade(school_year) - 1]}({self.klass})班"


def make_roster(rng: random.Random, config: ExampleConfig, school_years: list[int]) -> list[Student]:
    """Every student enrolled in any of the school years, class by class from the oldest intake."""
    students = []
    per_class = config.students / (6 * config.classes_per_grade)
    first_entry = school_years[0] - 5
    for entry_year in range(first_entry, school_years[-1] + 1):
        for klass in range(1, config.classes_per_grade + 1):
            size = max(20, round(per_class + rng.randint(-3, 3)))
            for seq in range(1, size + 1):
                name = rng.choice(SURNAMES) + "".join(
                    rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
                students.append(Student(
                    sid=f"{entry_year}{klass:02d}{seq:03d}", name=name,
                    entry_year=entry_year, klass=klass, boarder=rng.random() < 0.08))
    return students


def roster_file(students: list[Student], last_year: int) -> str:
    """`students.csv`: the roster as of the last school year (graduates marked 已毕业)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["学号", "姓名", "年级", "班级", "入学年份"])
    for s in students:
        grade = s.grade(last_year)
        if grade > 6:
            grade_name, class_name = "已毕业", ""
        elif grade < 1:
            continue
        else:
            grade_name, class_name = f"{GRADES[grade - 1]}年级", s.class_name(last_year)
        writer.writerow([s.sid, s.name, grade_name, class_name, s.entry_year])
    return buffer.getvalue()
