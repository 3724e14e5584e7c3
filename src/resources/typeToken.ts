import * as pulumi from "@pulumi/pulumi";

/** Whether `obj` is a resource of the type token `type`, also across copies of this package. */
export function isResourceOfType(obj: unknown, type: string): boolean {
    return pulumi.CustomResource.isInstance(obj) && (obj as { __pulumiType?: string }).__pulumiType === type;
}

/**
 * `pulumi.CustomResource`'s statics and constructor, its instances typed as `T`: what a resource class
 * extends to have `T`'s outputs declared once for both hosts.
 */
export type ResourceBase<T extends pulumi.CustomResource> = Omit<typeof pulumi.CustomResource, "prototype"> &
    (new (type: string, name: string, props?: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) => T);
