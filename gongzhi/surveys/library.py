"""The instrument library: definitions in code, copied into a community before use.

- ``gongzhi-community``: our own open bilingual items (written for Gongzhi, Apache-2.0 like
  the code) on belonging (归属感), identity (认同感), neighbourly ties (邻里关系),
  participation (参与) and satisfaction with a renovated space (更新空间满意度).
- ``place-attachment``: place identity and place dependence, adapted to the neighbourhood
  from Williams & Vaske (2003); cite it when you report.
- ``sci2-scoring``: the Sense of Community Index 2 (Chavis, Lee & Acosta 2008) as item
  ids, subscales and scoring only — its wording is copyrighted; a deployment with a licence
  imports the worded XLSForm with the same item names and subscales.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gongzhi.surveys.formdef import Choice, FormDef, Group, Question

AGREE5 = [
    Choice("1", {"zh": "非常不同意", "en": "Strongly disagree"}),
    Choice("2", {"zh": "不同意", "en": "Disagree"}),
    Choice("3", {"zh": "说不清", "en": "Neither agree nor disagree"}),
    Choice("4", {"zh": "同意", "en": "Agree"}),
    Choice("5", {"zh": "非常同意", "en": "Strongly agree"}),
]
SATISFIED5 = [
    Choice("1", {"zh": "很不满意", "en": "Very dissatisfied"}),
    Choice("2", {"zh": "不满意", "en": "Dissatisfied"}),
    Choice("3", {"zh": "一般", "en": "Neutral"}),
    Choice("4", {"zh": "满意", "en": "Satisfied"}),
    Choice("5", {"zh": "很满意", "en": "Very satisfied"}),
]
SCI4 = [
    Choice("0", {"zh": "完全不", "en": "Not at all"}),
    Choice("1", {"zh": "有一点", "en": "Somewhat"}),
    Choice("2", {"zh": "大部分", "en": "Mostly"}),
    Choice("3", {"zh": "完全", "en": "Completely"}),
]


def _likert(name: str, zh: str, en: str, subscale: str, reverse: bool = False,
            list_name: str = "agree5") -> Question:
    return Question(name=name, type="select_one", list_name=list_name,
                    label={"zh": zh, "en": en}, required=False, appearance="likert",
                    subscale=subscale, reverse=reverse)


COMMUNITY_ITEMS: list[tuple[str, list[tuple[str, str, str, bool]]]] = [
    ("belonging", [
        ("我觉得自己是这个社区的一员。", "I feel I am part of this community.", "bel_1", False),
        ("住在这个社区让我感到安心。", "Living in this community makes me feel at ease.",
         "bel_2", False),
        ("如果要搬走，我会舍不得这里。", "If I had to move away, I would miss this place.",
         "bel_3", False),
        ("在这个社区里，我常常觉得自己是个外人。",
         "In this community I often feel like an outsider.", "bel_4", True),
    ]),
    ("identity", [
        ("我愿意向别人介绍我住在这个社区。",
         "I am glad to tell others that I live in this community.", "ide_1", False),
        ("社区的事情也是我自己的事情。",
         "What happens in the community is my business too.", "ide_2", False),
        ("我和邻居们对社区的未来有共同的期待。",
         "My neighbours and I hope for the same things for our community.", "ide_3", False),
        ("这个社区有自己的特点，我为此感到自豪。",
         "This community has its own character and I am proud of it.", "ide_4", False),
    ]),
    ("ties", [
        ("楼里有需要时，我可以找邻居帮忙。",
         "When I need help, I can ask a neighbour in my building.", "tie_1", False),
        ("我能叫出不少邻居的名字。", "I know many of my neighbours by name.", "tie_2", False),
        ("过去一个月，我和邻居聊过天或互相帮过忙。",
         "In the past month I chatted with or helped a neighbour.", "tie_3", False),
        ("我和邻居之间几乎没有来往。", "I have almost no contact with my neighbours.",
         "tie_4", True),
    ]),
    ("participation", [
        ("我知道怎样向社区反映问题或提出建议。",
         "I know how to raise a problem or make a suggestion in the community.", "par_1",
         False),
        ("我觉得居民的意见能影响社区的决定。",
         "I think residents' views can change what the community decides.", "par_2", False),
        ("今后我愿意参加社区的议事或共建活动。",
         "I am willing to take part in community meetings or co-building in future.",
         "par_3", False),
        ("社区的事和我关系不大，我不想参与。",
         "Community affairs have little to do with me; I do not want to take part.",
         "par_4", True),
    ]),
]
SPACE_ITEMS = [
    ("sat_1", "更新后的空间方便我和家人使用。",
     "The renovated space is easy for me and my family to use."),
    ("sat_2", "更新后的空间安全、整洁。", "The renovated space is safe and tidy."),
    ("sat_3", "更新后的空间适合老人和孩子。",
     "The renovated space suits older people and children."),
    ("sat_4", "更新过程中我的意见被听取了。", "My views were listened to during the renovation."),
]


def community_instrument() -> FormDef:
    groups = []
    titles = {"belonging": ("归属感", "Belonging"), "identity": ("认同感", "Identity"),
              "ties": ("邻里关系", "Neighbourly ties"), "participation": ("参与", "Participation")}
    for sub, items in COMMUNITY_ITEMS:
        zh, en = titles[sub]
        groups.append(Group(sub, {"zh": zh, "en": en},
                            questions=[_likert(n, qz, qe, sub, rev) for qz, qe, n, rev in items]))
    groups.append(Group("space", {"zh": "更新空间满意度",
                                  "en": "Satisfaction with the renovated space"},
                        questions=[_likert(n, z, e, "space_satisfaction", list_name="sat5")
                                   for n, z, e in SPACE_ITEMS]))
    groups.append(Group("about", {"zh": "关于您", "en": "About you"}, questions=[
        Question("years_here", "integer", {"zh": "您在本社区住了几年？",
                                           "en": "How many years have you lived here?"},
                 constraint=". >= 0 and . <= 100",
                 constraint_message={"zh": "请填写 0 到 100 之间的整数",
                                     "en": "Enter a whole number from 0 to 100"}),
        Question("comment", "text", {"zh": "还有什么想说的？", "en": "Anything else to tell us?"}),
    ]))
    return FormDef(title={"zh": "社区归属感与参与调查",
                          "en": "Community belonging and participation"},
                   form_id="gongzhi-community", version="1", groups=groups,
                   choices={"agree5": AGREE5, "sat5": SATISFIED5})


PLACE_ITEMS = [
    ("pi_1", "place_identity", "我觉得这个社区是我生活的一部分。",
     "I feel this neighbourhood is a part of me.", False),
    ("pi_2", "place_identity", "这个社区对我来说很特别。",
     "This neighbourhood is very special to me.", False),
    ("pi_3", "place_identity", "我强烈认同这个社区。",
     "I identify strongly with this neighbourhood.", False),
    ("pi_4", "place_identity", "我对这个社区很有感情。",
     "I am very attached to this neighbourhood.", False),
    ("pi_5", "place_identity", "住在这里很能说明我是什么样的人。",
     "Living here says a lot about who I am.", False),
    ("pi_6", "place_identity", "这个社区对我意义重大。",
     "This neighbourhood means a lot to me.", False),
    ("pd_1", "place_dependence", "对我想做的事来说，这个社区是最好的地方。",
     "This neighbourhood is the best place for what I like to do.", False),
    ("pd_2", "place_dependence", "别的地方都比不上这个社区。",
     "No other place can compare to this neighbourhood.", False),
    ("pd_3", "place_dependence", "在这里做事比在别处更让我满足。",
     "I get more satisfaction out of being here than anywhere else.", False),
    ("pd_4", "place_dependence", "在这里做我平时做的事，比在别处做更重要。",
     "Doing what I do here is more important to me than doing it elsewhere.", False),
    ("pd_5", "place_dependence", "我不愿意换到别的地方去做我在这里做的事。",
     "I would not substitute any other area for the things I do here.", False),
    ("pd_6", "place_dependence", "我在这里做的事，在类似的地方做也一样开心。",
     "I would enjoy the things I do here just as much at a similar place.", True),
]


def place_attachment_instrument() -> FormDef:
    groups = [Group(sub, {"zh": zh, "en": en}, questions=[
        _likert(n, qz, qe, s, rev) for n, s, qz, qe, rev in PLACE_ITEMS if s == sub])
        for sub, zh, en in (("place_identity", "地方认同", "Place identity"),
                            ("place_dependence", "地方依赖", "Place dependence"))]
    return FormDef(title={"zh": "地方依恋量表（地方认同、地方依赖）",
                          "en": "Place attachment (place identity, place dependence)"},
                   form_id="place-attachment", version="1", groups=groups,
                   choices={"agree5": AGREE5})


SCI2_SUBSCALES = [("needs", range(1, 7), "需求满足", "Reinforcement of needs"),
                  ("membership", range(7, 13), "成员身份", "Membership"),
                  ("influence", range(13, 19), "影响力", "Influence"),
                  ("emotional", range(19, 25), "情感联结", "Shared emotional connection")]


def sci2_instrument() -> FormDef:
    groups = []
    for sub, rng, zh, en in SCI2_SUBSCALES:
        groups.append(Group(sub, {"zh": zh, "en": en}, questions=[
            Question(f"sci2_{i}", "select_one", list_name="sci4",
                     label={"zh": f"SCI-2 第 {i} 题（措辞受版权保护，请导入获授权的 XLSForm）",
                            "en": f"SCI-2 item {i} (copyrighted wording: import the "
                                  "licensed XLSForm)"},
                     appearance="likert", subscale=sub) for i in rng]))
    return FormDef(title={"zh": "社区感指数 SCI-2（仅题号与计分）",
                          "en": "Sense of Community Index 2 (item ids and scoring only)"},
                   form_id="sci2", version="1", groups=groups, choices={"sci4": SCI4})


@dataclass(frozen=True)
class LibraryEntry:
    key: str
    build: Callable[[], FormDef]
    attribution: str
    wording_included: bool = True

    def form(self) -> FormDef:
        return self.build()


LIBRARY: dict[str, LibraryEntry] = {e.key: e for e in [
    LibraryEntry("gongzhi-community", community_instrument,
                 "共治平台自编的开放题目（Apache-2.0 许可）。李克特 1–5 分；标为反向的题目按 "
                 "6 − 回答 计分。"),
    LibraryEntry("place-attachment", place_attachment_instrument,
                 "改编自 Williams, D. R., & Vaske, J. J. (2003). The measurement of place "
                 "attachment: validity and generalizability of a psychometric approach. "
                 "Forest Science 49(6), 830–840。中文措辞由共治平台翻译，发表结果时请引用原文。"),
    LibraryEntry("sci2-scoring", sci2_instrument,
                 "Chavis, D. M., Lee, K. S., & Acosta, J. D. (2008). The Sense of Community "
                 "(SCI) Revised: The Reliability and Validity of the SCI-2。题目措辞受版权保护，"
                 "未收录：请导入获授权的 XLSForm，题目代号（sci2_1 … sci2_24）和分量表保持一致。"
                 "计分：每题 0–3 分；分量表总分 = 平均分 × 6，SCI 总分为 24 题之和。",
                 wording_included=False),
]}
