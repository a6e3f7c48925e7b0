"""The satisfaction survey of the online public services, as the portal first creates it."""

from .constants import OVERALL_QUESTION_KEY, Audience, QuestionKind

SATISFACTION_SURVEY = {
    "title_vi": "Khảo sát mức độ hài lòng về dịch vụ công trực tuyến",
    "title_en": "Satisfaction survey on the online public services",
    "intro_vi": (
        "Nhà trường mong nhận ý kiến của Ông/Bà về hồ sơ vừa được giải quyết. "
        "Khảo sát ẩn danh: câu trả lời không gắn với tài khoản của Ông/Bà; "
        "nhà trường chỉ xem số liệu tổng hợp."
    ),
    "intro_en": (
        "The school would like your opinion on the dossier that has just been handled. "
        "The survey is anonymous: your answers are not linked to your account; "
        "the school sees only totals."
    ),
    "audience": Audience.ANONYMOUS,
    "is_published": True,
}

SATISFACTION_QUESTIONS = [
    {
        "key": OVERALL_QUESTION_KEY,
        "kind": QuestionKind.RATING,
        "text_vi": (
            "Nhìn chung, Ông/Bà hài lòng thế nào với dịch vụ công trực tuyến của nhà trường?"
        ),
        "text_en": "Overall, how satisfied are you with the school's online public services?",
        "help_vi": "1 = Rất không hài lòng, 5 = Rất hài lòng",
        "help_en": "1 = very dissatisfied, 5 = very satisfied",
        "required": True,
    },
    {
        "key": "ease",
        "kind": QuestionKind.SINGLE_CHOICE,
        "text_vi": "Việc nộp hồ sơ trực tuyến có dễ thực hiện không?",
        "text_en": "Was it easy to submit the dossier online?",
        "required": True,
        "options": [
            ("Rất dễ", "Very easy"),
            ("Dễ", "Easy"),
            ("Bình thường", "Neither easy nor difficult"),
            ("Khó", "Difficult"),
            ("Rất khó", "Very difficult"),
        ],
    },
    {
        "key": "on_time",
        "kind": QuestionKind.SINGLE_CHOICE,
        "text_vi": "Ông/Bà nhận kết quả có đúng hẹn không?",
        "text_en": "Did you receive the result on time?",
        "required": True,
        "options": [
            ("Sớm hơn ngày hẹn", "Before the promised date"),
            ("Đúng ngày hẹn", "On the promised date"),
            ("Trễ hẹn", "Late"),
        ],
    },
    {
        "key": "improve",
        "kind": QuestionKind.MULTIPLE_CHOICE,
        "text_vi": "Nhà trường cần cải thiện điều gì?",
        "text_en": "What should the school improve?",
        "help_vi": "Có thể chọn nhiều mục.",
        "help_en": "You may choose several.",
        "required": False,
        "options": [
            ("Hướng dẫn thủ tục", "Guidance on the procedure"),
            ("Biểu mẫu trực tuyến", "The online form"),
            ("Thanh toán trực tuyến", "Online payment"),
            ("Thời gian giải quyết", "Processing time"),
            ("Thái độ của cán bộ", "Staff attitude"),
        ],
    },
    {
        "key": "comment",
        "kind": QuestionKind.FREE_TEXT,
        "text_vi": "Góp ý khác của Ông/Bà",
        "text_en": "Any other comments",
        "required": False,
    },
]
