//! Links into the AWS console for a record, in the partition the record belongs to: the
//! commercial regions (`aws`), GovCloud (`aws-us-gov`) and China (`aws-cn`) have their own
//! console hosts, and an ARN says which partition it is in.

/// The partition an ARN names (`arn:PARTITION:...`); `aws` when it is not an ARN.
pub fn partition_of(arn: &str) -> &str {
    match arn
        .strip_prefix("arn:")
        .and_then(|rest| rest.split(':').next())
    {
        Some(p) if !p.is_empty() => p,
        _ => "aws",
    }
}

/// The partition a region is in: `us-gov-*` GovCloud, `cn-*` China, the rest `aws`.
pub fn partition_of_region(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("cn-") {
        "aws-cn"
    } else {
        "aws"
    }
}

/// The console's address for `region` in `partition`. A region that is not a region
/// name (it comes from the record) gets the global console, never a host of its own.
pub fn host(partition: &str, region: &str) -> String {
    match partition {
        "aws-us-gov" => "https://console.amazonaws-us-gov.com".into(),
        "aws-cn" => "https://console.amazonaws.cn".into(),
        _ if !crate::model::region::is_region_name(region) => {
            "https://console.aws.amazon.com".into()
        }
        _ => format!("https://{region}.console.aws.amazon.com"),
    }
}

/// `region` as a link's query value: the region, or nothing when it is not a region name.
fn region_param(region: &str) -> &str {
    if crate::model::region::is_region_name(region) {
        region
    } else {
        ""
    }
}

/// Percent-encodes everything but unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A Security Hub finding, found by its id in the findings view of its region.
pub fn securityhub_finding(product_arn: &str, region: &str, id: &str) -> String {
    // The console's search filter is itself URL-encoded inside the fragment.
    let search = encode(&format!("Id=\\operator\\:EQUALS\\:{id}"));
    format!(
        "{}/securityhub/home?region={}#/findings?search={}",
        host(partition_of(product_arn), region),
        region_param(region),
        encode(&search)
    )
}

/// A CloudTrail event in its region's event history.
pub fn cloudtrail_event(principal_arn: Option<&str>, region: &str, event_id: &str) -> String {
    let partition = principal_arn.map_or("aws", partition_of);
    format!(
        "{}/cloudtrailv2/home?region={}#/events/{}",
        host(partition, region),
        region_param(region),
        encode(event_id)
    )
}

/// An Access Analyzer finding.
pub fn access_analyzer_finding(resource_arn: &str, region: &str, id: &str) -> String {
    format!(
        "{}/access-analyzer/home?region={}#/findings/details/{}",
        host(partition_of(resource_arn), region),
        region_param(region),
        encode(id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_partition_has_its_console() {
        assert_eq!(
            partition_of("arn:aws-us-gov:iam::123456789012:root"),
            "aws-us-gov"
        );
        assert_eq!(partition_of("arn:aws-cn:s3:::bucket"), "aws-cn");
        assert_eq!(partition_of("i-0abc"), "aws");
        let id = "arn:aws-us-gov:securityhub:us-gov-west-1:123456789012:subscription/x/finding/1";
        let link = securityhub_finding(
            "arn:aws-us-gov:securityhub:us-gov-west-1::product/aws/securityhub",
            "us-gov-west-1",
            id,
        );
        assert!(link.starts_with(
            "https://console.amazonaws-us-gov.com/securityhub/home?region=us-gov-west-1#/findings?search=Id%253D%255Coperator%255C%253AEQUALS%255C%253Aarn%253Aaws-us-gov"
        ), "{link}");
        assert_eq!(
            cloudtrail_event(Some("arn:aws-cn:iam::1:user/a"), "cn-north-1", "e-1"),
            "https://console.amazonaws.cn/cloudtrailv2/home?region=cn-north-1#/events/e-1"
        );
        assert_eq!(
            access_analyzer_finding("arn:aws:s3:::site", "eu-west-1", "f 1"),
            "https://eu-west-1.console.aws.amazon.com/access-analyzer/home?region=eu-west-1#/findings/details/f%201"
        );
    }

    /// Hardening 7: a region taken from a record never becomes the link's host.
    #[test]
    fn hardening_07_the_copied_link_takes_its_host_only_from_a_real_region() {
        let arn = "arn:aws:securityhub:us-east-1::product/aws/securityhub";
        for region in [
            "evil.example/#",
            "us-east-1.evil.example",
            "x@evil.example",
            "",
        ] {
            let link = securityhub_finding(arn, region, "id-1");
            assert!(
                link.starts_with("https://console.aws.amazon.com/securityhub/home?region=#"),
                "{link}"
            );
            assert!(!link.contains("evil"), "{link}");
            let link = cloudtrail_event(None, region, "e");
            assert!(
                link.starts_with("https://console.aws.amazon.com/"),
                "{link}"
            );
            let link = access_analyzer_finding("arn:aws:s3:::b", region, "f");
            assert!(
                link.starts_with("https://console.aws.amazon.com/"),
                "{link}"
            );
        }
        assert!(securityhub_finding(arn, "eu-west-3", "id").starts_with(
            "https://eu-west-3.console.aws.amazon.com/securityhub/home?region=eu-west-3#"
        ));
    }
}
