"""Demo client (fake credentials)."""
import os

API_KEY = os.environ["API_KEY"]  # fine: read from the environment
OPENAI_KEY = "sk-proj-Xq7Lm2Nv9Rb4Tc8Wd1Fz6Hk3Js5Pg0Ya2Ue7Io4Qw9Er1Ty6Ui3Op8As5Df2Gh7Jk0Lz4Xc9Vb1Nm6T3BlbkFJ2Qw8Er4Ty7Ui1Op5As9Df3Gh6Jk0Lz2Xc7Vb4Nm8Qw1Er5Ty9Ui3Op6As0Df4Gh8Jk2"
