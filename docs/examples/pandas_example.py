import pandas as pd

import usegate

policy = usegate.compile("policies/x-grok-2024-08.policy")
posts = pd.DataFrame({
    "user": ["u1", "u2", "u3", "u4", "u5"],
    "purpose": "training",
    "category": pd.Categorical(["post", "post", "direct_message", "post", "interaction"]),
    "visibility": ["public", "protected", "public", "public", None],
    "region": ["US", "US", "US", "EU", "EU"],
    "ts": pd.to_datetime(["2024-06-01", "2024-06-01", "2024-06-01", "2024-06-01", None], utc=True),
})
changes = pd.DataFrame([
    {"user": "u1", "setting": "grok_sharing", "value": "off", "platform": "web", "ts": "2024-07-27T10:00:00Z"},
])
result = policy.decide_columns(posts, now="2024-09-01", consent=changes)
print(posts.assign(allowed=result.allowed, reason=result.reasons())[["user", "allowed", "reason"]])
print(posts[result.allowed].user.tolist())
print(policy.decide(posts.iloc[3].to_dict(), now="2024-09-01"))
